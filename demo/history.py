"""When things happened in a demo program: its start, each stage's entry and exit, the hold or
cancellation, and when each activity was finished — drawn back from today, so that the days in
stage, the lateness and the actual stage durations read like a real portfolio's.

Pure functions of a seeded generator and today's date: no database. The program is placed in
its stage first, then its past is laid out backwards from today; most programs are within their
stage's planned end, some are late (as many as `LATE_SHARE` on average)."""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from lifecycle.services import stage_plan_dates
from lifecycle.stages import WORK_STAGES, ActivityStatus, TransitionName

#: How far demo programs have gone: weights over the eight working stages.
STAGE_WEIGHTS = [3, 4, 3, 3, 2, 3, 3, 1]
#: The share of demo programs past their current stage's planned end (a few more come late on
#: their own when earlier stages ran long).
LATE_SHARE = 0.15
#: Each past stage lasted this share of its planned length (uniform between the two).
PACE = (0.7, 1.25)

WAIVE_NOTE = "Demo data: the gate's open items are tracked outside the app."
HOLD_NOTE = "Waiting for the ministry's go-ahead."
CANCEL_NOTE = "Funding withdrawn by the donor."
DONE_NOTE = "Done: the minutes and documents are in the program's shared folder."
NOT_APPLICABLE_NOTE = "Not needed for this program: agreed with the ministry."


@dataclass(frozen=True)
class Step:
    """One transition of the program's history."""

    transition: str
    at: datetime.datetime
    note: str = ""


@dataclass
class History:
    """A demo program's past: `start` is its planned start and the day its lifecycle began."""

    start: datetime.date
    created_at: datetime.datetime
    steps: list[Step]
    #: stage → (entered, left); `left` is None for the stage the program is in (or was in when
    #: put on hold or cancelled, then it is the time of that step)
    windows: dict[str, tuple[datetime.datetime, datetime.datetime | None]]
    target: str
    pause: str
    #: the planned days of the current stage
    planned_days: int
    activity_seed: str


def _moment(rng: random.Random, day: datetime.date) -> datetime.datetime:
    """A time during the working day of `day`, in the site's time zone."""
    time = datetime.time(rng.randint(8, 16), rng.randrange(0, 60, 5))
    return timezone.make_aware(datetime.datetime.combine(day, time))


def history_draw(
    rng: random.Random,
    *,
    today: datetime.date,
    span_days: int,
    may_close_out: bool,
    activity_seed: str,
) -> History:
    """Draw a program's stage and lay its past out backwards from `today`."""
    weights = STAGE_WEIGHTS if may_close_out else [*STAGE_WEIGHTS[:-1], 0]
    target = rng.choices(WORK_STAGES, weights=weights)[0]
    pause = rng.choices(["", "hold", "cancel"], weights=[17, 2, 1])[0]
    late = rng.random() < LATE_SHARE
    # The stage plan as day offsets from the start (it depends only on the span's length).
    origin = datetime.date(2000, 1, 1)
    plans = {
        stage: ((start - origin).days, (end - origin).days)
        for stage, start, end in stage_plan_dates(
            origin, origin + datetime.timedelta(days=span_days)
        )
    }
    target_index = WORK_STAGES.index(target)
    entered = [0]  # each stage's actual entry, in days from the start
    for stage in WORK_STAGES[:target_index]:
        planned = plans[stage][1] - plans[stage][0] + 1
        entered.append(entered[-1] + max(1, round(planned * rng.uniform(*PACE))))
    planned_end = plans[target][1]
    first = entered[-1] + (2 if pause else 1)  # at least a day in the stage (two to pause in it)
    if late or first > planned_end:
        elapsed = max(first, planned_end + rng.randint(1, 60))
    else:
        elapsed = rng.randint(first, planned_end)
    start = today - datetime.timedelta(days=elapsed)

    def day(offset: int) -> datetime.date:
        return start + datetime.timedelta(days=offset)

    created_at = _moment(rng, start)
    moments = [created_at] + [_moment(rng, day(offset)) for offset in entered[1:]]
    steps = [Step(TransitionName.ADVANCE, at) for at in moments[1:]]
    windows = {
        stage: (moments[index], moments[index + 1] if index < target_index else None)
        for index, stage in enumerate(WORK_STAGES[: target_index + 1])
    }
    if pause:
        offset = rng.randint(entered[-1] + 1, elapsed - 1)
        at = _moment(rng, day(offset))
        name = TransitionName.HOLD if pause == "hold" else TransitionName.CANCEL
        steps.append(Step(name, at, HOLD_NOTE if pause == "hold" else CANCEL_NOTE))
        windows[target] = (windows[target][0], at)
    return History(
        start=start,
        created_at=created_at,
        steps=steps,
        windows=windows,
        target=target,
        pause=pause,
        planned_days=plans[target][1] - plans[target][0] + 1,
        activity_seed=activity_seed,
    )


@dataclass(frozen=True)
class Outcome:
    """What became of one activity: its status, evidence and when it was finished."""

    status: str
    evidence_note: str = ""
    completed_at: datetime.datetime | None = None


def _between(rng: random.Random, start: datetime.datetime, end: datetime.datetime):
    """A moment strictly between `start` and `end`, to the minute."""
    minutes = max(int((end - start).total_seconds() // 60) - 1, 1)
    return start + datetime.timedelta(minutes=rng.randint(1, minutes))


def activity_outcomes(
    history: History, activities: list, *, now: datetime.datetime
) -> list[Outcome]:
    """The outcome of each of the program's activities (`stage` and `required` are read),
    given in the order of `activities` (by position): every activity of a stage the program
    has left is done or not applicable; in the current stage, about as many are done as the
    share of the stage's planned time spent, a few are in progress, the rest to do."""
    rng = random.Random(history.activity_seed)  # noqa: S311 — demo data
    current = history.target
    entered, stopped = history.windows[current]
    until = stopped or now.replace(hour=0, minute=0, second=0, microsecond=0)
    progress = min(1.0, (until - entered).days / history.planned_days)
    outcomes = []
    for activity in activities:
        window = history.windows.get(activity.stage)
        draw = rng.random()
        if window is None:  # a stage not reached yet
            outcomes.append(Outcome(ActivityStatus.TODO))
        elif activity.stage != current:
            left = window[1]
            status = (
                ActivityStatus.NOT_APPLICABLE
                if draw < (0.05 if activity.required else 0.3)
                else ActivityStatus.DONE
            )
            note = DONE_NOTE if status == ActivityStatus.DONE else NOT_APPLICABLE_NOTE
            outcomes.append(Outcome(status, note, _between(rng, window[0], left)))
        elif draw < 0.8 * progress and until > entered + datetime.timedelta(minutes=2):
            outcomes.append(Outcome(ActivityStatus.DONE, DONE_NOTE, _between(rng, entered, until)))
        elif draw < 0.8 * progress + 0.2:
            outcomes.append(Outcome(ActivityStatus.IN_PROGRESS))
        else:
            outcomes.append(Outcome(ActivityStatus.TODO))
    return outcomes


def passed_stages(history: History) -> list[str]:
    """The stages the program left through their gate, in order."""
    return [stage for stage, (_entered, left) in history.windows.items() if stage != history.target]


def reaches(history: History, stage: str) -> bool:
    return WORK_STAGES.index(history.target) >= WORK_STAGES.index(stage)

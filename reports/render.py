"""The closeout report: its content, its HTML and its PDF.

- **Content** is read through the apps' selectors (never their tables) in a fixed number of
  queries, whatever the size of the program; every chart comes from `chtprograms.charts`.
- **HTML** is the Django template `reports/closeout.html` (CSS inlined): every user-written text
  goes through the template engine's escaping, so it can never become markup.
- **PDF** is laid out by WeasyPrint with `InlineOnlyFetcher`, which serves inlined `data:` URIs
  and refuses every other URL (no `file://`, no `http(s)://`, so no redirect either), and within
  a time limit (`CLOSEOUT_REPORT_TIME_LIMIT` seconds, below the worker's soft time limit).

`render_report(program=...)` is what the Celery task and `manage.py closeout_report` both call.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import functools
import hashlib
import logging
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chtprograms import selectors as program_selectors
from chtprograms.models import Program
from core.labels import slippage_label
from lifecycle import charts as lifecycle_charts
from lifecycle import selectors as lifecycle_selectors
from lifecycle.stages import WORK_STAGES, Stage
from personas.selectors import team_by_role
from plan.budget import charts as budget_charts
from plan.budget import selectors as budget_selectors
from plan.chw_support import selectors as chw_support_selectors
from plan.indicators import charts as indicators_charts
from plan.indicators import selectors as indicators_selectors
from plan.risks import selectors as risks_selectors
from reports.field_practice import SECTIONS as FIELD_PRACTICE_SECTIONS
from reports.field_practice import field_practice_content

logger = logging.getLogger(__name__)
# WeasyPrint tells every layout step at INFO: not worth a worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

#: At most this many indicator charts (every indicator is in the table): a program with
#: hundreds of indicators still renders well within the time limit.
MAX_INDICATOR_CHARTS = 12
#: At most this many rows of gate decisions (the latest ones; the history page has them all).
MAX_DECISIONS = 40
#: How much of a text people wrote the report prints, by kind: (characters, lines). The rest
#: is cut with "… continued in the app" (the `clip` filter): a text of megabytes saved before
#: texts were bounded still lays out in a few pages.
TEXT_CLIPS = {
    "prose": (3000, 60),  # goals, summary, the scaling decision's rationale
    "entry": (1500, 30),  # what happened, what was learned
    "note": (600, 12),  # a cell of a table: notes, a decision's note, a risk, the regions
}
#: At most this many risks and lessons (the Risks page has them all).
MAX_RISKS = 100
MAX_LESSONS = 100
#: The sections of the report, in order: (anchor, title). Tests read the titles back.
SECTIONS = (
    ("summary", gettext_lazy("Summary")),
    ("timeline", gettext_lazy("Lifecycle timeline")),
    ("considerations", gettext_lazy("The six considerations")),
    ("budget", gettext_lazy("Budget: forecast and actual")),
    ("indicators", gettext_lazy("Indicators")),
    ("chw-support", gettext_lazy("CHW support (4S)")),
    ("risks-lessons", gettext_lazy("Risks, challenges and lessons")),
    ("scaling", gettext_lazy("Scaling decision")),
    *FIELD_PRACTICE_SECTIONS,
)


#: The 4S of CHW support, as the gaps name them.
FOUR_S = {
    "skilled": gettext_lazy("Skilled"),
    "supervised": gettext_lazy("Supervised"),
    "salaried": gettext_lazy("Salaried"),
    "supplied": gettext_lazy("Supplied"),
}


class RenderError(Exception):
    """The report could not be made. The message says why, for the report page."""


class RenderTimeout(RenderError):
    """The report took longer than its time limit."""


class RefusedURL(ValueError):
    """A URL the report may not fetch (anything but an inlined data: URI)."""


# --- fetching nothing -------------------------------------------------------------------------


def _weasyprint():
    """WeasyPrint, imported when a PDF is made (it loads Pango, which the web pages do not
    need)."""
    import weasyprint

    return weasyprint


#: Fonts shipped in reports/fonts/, by the name the report's CSS asks for (`bundled-font:NAME`):
#: Noto Emoji (monochrome, SIL Open Font License 1.1, see reports/fonts/OFL.txt), so that emoji
#: in a program's texts print as emoji, not as empty boxes.
BUNDLED_FONTS = {"noto-emoji": Path(__file__).resolve().parent / "fonts" / "NotoEmoji-Regular.ttf"}


@functools.cache
def bundled_font(name: str) -> bytes:
    return BUNDLED_FONTS[name].read_bytes()


def make_fetcher():
    """A WeasyPrint URL fetcher that serves inlined `data:` URIs and the fonts shipped with the
    application (`bundled-font:NAME`, from a fixed list), and refuses everything else.

    Refused URLs are kept in `.refused` (and logged); WeasyPrint then leaves the resource out.
    The fetcher never opens a file a URL names, a socket or a redirect."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class InlineOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(
                timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False
            )
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            name = url[len("bundled-font:") :] if url.startswith("bundled-font:") else None
            if name in BUNDLED_FONTS:
                return URLFetcherResponse(
                    url, bundled_font(name), headers={"Content-Type": "font/ttf"}
                )
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                logger.warning("Closeout report: refused to fetch %.200r", url)
                raise RefusedURL(f"The report fetches no URL: {url[:200]}")
            media_type, body = decode_data_uri(url)
            return URLFetcherResponse(url, body, headers={"Content-Type": media_type})

        def open(self, url, data=None, timeout=None):  # never the urllib opener
            return self.fetch(getattr(url, "full_url", url))

    return InlineOnlyFetcher()


def decode_data_uri(url: str) -> tuple[str, bytes]:
    """`data:[<media type>][;base64],<data>` → (media type, bytes), without urllib's opener."""
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise RefusedURL("A data: URI without a comma")
    params = header.split(";")
    is_base64 = params[-1].strip().lower() == "base64"
    if is_base64:
        params = params[:-1]
    media_type = params[0].strip() or "text/plain"
    raw = unquote_to_bytes(payload)
    return media_type, base64.b64decode(raw) if is_base64 else raw


# --- a time limit -----------------------------------------------------------------------------


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise RenderTimeout in the block once `seconds` have passed.

    Uses a real-time interval timer (SIGALRM), so it only works in the main thread (Celery's
    prefork and solo pools run tasks there, and so does a management command); elsewhere the
    worker's soft time limit is the guard."""
    usable = (
        seconds
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise RenderTimeout(
            _(
                "The report took longer than %(seconds)s seconds to render and was stopped. "
                "The program may have too much data for one report; try again, or ask a site "
                "administrator to raise CLOSEOUT_REPORT_TIME_LIMIT."
            )
            % {"seconds": f"{seconds:g}"}
        )

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- content ----------------------------------------------------------------------------------


@dataclass
class ReportMeta:
    version: int | None = None
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    requested_by: object = None


def _slippage_note(row) -> str:
    if row.is_current:
        return _("in progress")
    if row.slippage is None:
        return ""
    return slippage_label(row.slippage)


def report_content(
    *, program: Program, meta: ReportMeta | None = None, today: datetime.date | None = None
) -> dict:
    """Everything the report shows, read through the selectors in a fixed number of queries."""
    meta = meta or ReportMeta()
    today = today or timezone.localdate()
    lifecycle = lifecycle_selectors.lifecycle_get(program=program)
    history = list(lifecycle_selectors.history_list(lifecycle=lifecycle))
    plan = lifecycle_selectors.plan_rows(
        lifecycle=lifecycle,
        plans=lifecycle_selectors.stage_plans(lifecycle=lifecycle),
        history=history,
        today=today,
    )
    for row in plan:
        row.note = _slippage_note(row)
    timeline_chart = lifecycle_charts.stage_timeline_chart(
        rows=[
            lifecycle_charts.TimelineRow(
                stage=row.stage,
                label=row.label,
                planned=(row.planned_start, row.planned_end)
                if row.planned_start and row.planned_end
                else None,
                actual=row.intervals,
                note=row.note,
            )
            for row in plan
        ],
        today=today,
    )
    decisions = lifecycle_selectors.timeline(
        history=history,
        reviews=list(lifecycle_selectors.no_go_reviews(lifecycle=lifecycle)),
        newest_first=False,
    )
    budget = budget_selectors.budget_summary(program=program, today=today)
    indicators = indicators_selectors.indicator_progress_list(program=program, today=today)
    charted = [item for item in indicators if item.indicator.has_baseline][:MAX_INDICATOR_CHARTS]
    indicator_charts = [
        (
            item,
            indicators_charts.indicator_chart(
                indicator=item.indicator, measurements=item.measurements
            ),
        )
        for item in charted
    ]
    support = chw_support_selectors.chw_support_get(program=program, today=today)
    considerations = list(program_selectors.consideration_list(program=program))
    for consideration in considerations:
        items = list(consideration.items.all())  # prefetched
        consideration.checklist_total = len(items)
        consideration.checklist_done = sum(1 for item in items if item.done)
    risks = risks_selectors.risk_list(program=program)
    lessons = list(risks_selectors.lesson_list(program=program))
    actual_start = next((row.actual_start for row in plan if row.actual_start), None)
    closed_at = next(
        (row.at for row in reversed(history) if row.target in (Stage.CLOSED, Stage.CANCELLED)),
        None,
    )
    return {
        "program": program,
        "meta": meta,
        "today": today,
        "sections": [(anchor, str(title)) for anchor, title in SECTIONS],
        "lifecycle": lifecycle,
        "stage_label": str(Stage(lifecycle.stage).label),
        "working_stage_label": str(Stage(lifecycle.last_stage).label),
        "stages": [(stage, str(Stage(stage).label)) for stage in WORK_STAGES],
        "stage_index": WORK_STAGES.index(lifecycle.last_stage)
        if lifecycle.last_stage in WORK_STAGES
        else -1,
        "actual_start": actual_start,
        "closed_at": closed_at,
        "partners": list(program_selectors.program_partners(program=program)),
        "team": team_by_role(program=program),
        "plan": plan,
        "timeline_chart": timeline_chart,
        "decisions": decisions[-MAX_DECISIONS:],
        "decisions_left_out": max(len(decisions) - MAX_DECISIONS, 0),
        "considerations": considerations,
        "budget": budget,
        "budget_chart": budget_charts.budget_chart(
            rows=budget.by_category, currency=program.currency
        )
        if budget.by_category
        else "",
        "indicators": indicators,
        "indicators_on_track": indicators_selectors.count_on_track(indicators),
        "indicator_charts": indicator_charts,
        "indicator_charts_left_out": max(
            sum(1 for item in indicators if item.indicator.has_baseline) - len(charted), 0
        ),
        "chw_support": support,
        "chw_gaps": [
            (str(FOUR_S.get(code, code)), message)
            for code, message in chw_support_selectors.chw_support_gaps(
                support=support, today=today
            )
        ],
        "chw_limit": settings.CHW_PER_SUPERVISOR_LIMIT,
        "risks": risks[:MAX_RISKS],
        "risks_left_out": max(len(risks) - MAX_RISKS, 0),
        "lessons": lessons[:MAX_LESSONS],
        "lessons_left_out": max(len(lessons) - MAX_LESSONS, 0),
        "scaling_decision": risks_selectors.scaling_decision_get(program=program),
        **field_practice_content(program=program, support=support),
    }


def render_html(*, program: Program, meta: ReportMeta | None = None) -> str:
    return render_to_string("reports/closeout.html", report_content(program=program, meta=meta))


# --- the PDF ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    page_count: int
    sha256: str
    seconds: float
    refused_urls: tuple[str, ...] = ()


def _layout(html: str) -> RenderedReport:
    """Lay `html` out as a PDF with WeasyPrint, fetching nothing."""
    weasyprint = _weasyprint()
    fetcher = make_fetcher()
    started = time.monotonic()
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render()
    pdf = document.write_pdf()
    return RenderedReport(
        pdf=pdf,
        page_count=len(document.pages),
        sha256=hashlib.sha256(pdf).hexdigest(),
        seconds=time.monotonic() - started,
        refused_urls=tuple(fetcher.refused),
    )


def _limit(time_limit_seconds: float | None) -> float:
    if time_limit_seconds is None:
        return settings.CLOSEOUT_REPORT_TIME_LIMIT
    return time_limit_seconds


def html_to_pdf(html: str, *, time_limit_seconds: float | None = None) -> RenderedReport:
    """Lay `html` out as a PDF with nothing fetched, within the time limit."""
    with time_limit(_limit(time_limit_seconds)):
        return _layout(html)


def render_report(
    *, program: Program, meta: ReportMeta | None = None, time_limit_seconds: float | None = None
) -> RenderedReport:
    """The closeout report of `program` as a PDF (the task and the command both call this):
    reading, templating and layout all within the time limit."""
    with time_limit(_limit(time_limit_seconds)):
        return _layout(render_html(program=program, meta=meta))

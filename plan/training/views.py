"""Training pages: the program's training events (the "skilled" of the 4S)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from core.views import record_delete_page, record_form_page
from plan.training import selectors, services
from plan.training.forms import TrainingEventForm
from plan.training.models import PARTICIPANTS_PER_CLASS, PARTICIPANTS_PER_FACILITATOR, TrainingEvent
from plan.views import CHANGE, can_change, plan_url


@login_required
@require_GET
def training(request, slug):
    program = program_for(request, slug)
    events = selectors.training_event_list(program=program)
    return render(
        request,
        "plan/trainingevent_list.html",
        {
            "program": program,
            "events": events,
            "participants": sum(event.participants for event in events),
            "last_refresher": next(
                (
                    event.ends_on
                    for event in sorted(events, key=lambda e: e.ends_on, reverse=True)
                    if event.kind == TrainingEvent.Kind.REFRESHER
                    and event.ends_on <= timezone.localdate()
                ),
                None,
            ),
            "per_facilitator": PARTICIPANTS_PER_FACILITATOR,
            "per_class": PARTICIPANTS_PER_CLASS,
            "can_change": can_change(request, program),
        },
    )


@login_required
def training_event_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = TrainingEventForm(
        request.POST or None,
        instance=TrainingEvent(program=program),
        initial={"classes": 1, "facilitators": 1},
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/trainingevent_form.html",
        save=lambda data: services.training_event_create(program=program, **data),
        success=_("Training event added."),
        next_url=plan_url("training", program),
    )


@login_required
def training_event_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    event = selectors.training_event_get(program=program, pk=pk)
    form = TrainingEventForm(request.POST or None, instance=event)
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/trainingevent_form.html",
        save=lambda data: services.training_event_update(event=event, **data),
        success=_("Training event saved."),
        next_url=plan_url("training", program),
        context={"event": event},
    )


@login_required
def training_event_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    event = selectors.training_event_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(event),
        consequence=_("The event is removed from the program's training record."),
        delete=lambda: services.training_event_delete(event=event),
        success=_("Training event deleted."),
        next_url=plan_url("training", program),
        section=(_("Training"), plan_url("training", program)),
    )

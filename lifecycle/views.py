"""The lifecycle pages of a program. Thin: parse the request, call a selector or a service,
render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import ConcurrentTransition

from chtprograms.access import program_for

from . import activity_services, gates, selectors, services
from .forms import (
    ActivityPlanForm,
    ActivityProgressForm,
    DecisionForm,
    EthicsApprovalForm,
    StagePlanForm,
)

CONFLICT_MESSAGE = gettext_lazy("This program was changed by someone else, reload the page.")

#: decision (URL) → service. Views look decisions up here, never with getattr.
DECISIONS = {
    "advance": services.lifecycle_advance,
    "close": services.lifecycle_close,
    "send_back": services.lifecycle_send_back,
    "hold": services.lifecycle_hold,
    "resume": services.lifecycle_resume,
    "cancel": services.lifecycle_cancel,
    "stay": services.gate_review_stay,
}
WAIVABLE_DECISIONS = frozenset({"advance", "close"})


def _wants_html(request) -> bool:
    return not request.htmx and request.accepts("text/html")


def _conflict(request, program):
    """The other person's change won: say so (HTML page, or JSON for non-HTML clients)."""
    if _wants_html(request):
        return render(
            request,
            "lifecycle/conflict.html",
            {"program": program, "message": CONFLICT_MESSAGE},
            status=409,
        )
    return JsonResponse({"error": "conflict", "message": str(CONFLICT_MESSAGE)}, status=409)


def apply_service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _decision_forms(lifecycle, bound: dict | None = None) -> dict[str, DecisionForm]:
    criteria = gates.criterion_labels()
    forms = {
        name: DecisionForm(
            prefix=name, criteria_ids=criteria, initial={"from_stage": lifecycle.stage}
        )
        for name in DECISIONS
    }
    forms.update(bound or {})
    return forms


def _activity_rows(page) -> list[dict]:
    return [
        _activity_row(activity, page.team, can_plan=page.can_plan) for activity in page.activities
    ]


def _activity_row(activity, team, *, can_plan, progress=None, plan=None, saved=False) -> dict:
    prefix = f"activity-{activity.pk}"
    can_update = getattr(activity, "can_update", True)
    return {
        "activity": activity,
        "can_update": can_update,
        "progress_form": progress or ActivityProgressForm.for_activity(activity, prefix=prefix),
        "plan_form": (plan or ActivityPlanForm.for_activity(activity, team=team, prefix=prefix))
        if can_plan
        else None,
        "saved": saved,
        "open": progress is not None and bool(progress.errors or (plan and plan.errors)),
    }


def _page_context(request, program, *, bound_forms=None, decision_error=None, ethics_form=None):
    page = selectors.lifecycle_page(
        program=program, user=request.user, stage=request.GET.get("stage")
    )
    return {
        "program": program,
        "page": page,
        "lifecycle": page.lifecycle,
        "gate": page.gate,
        "activity_rows": _activity_rows(page),
        "decision_forms": _decision_forms(page.lifecycle, bound_forms),
        "decision_error": decision_error,
        "ethics_form": ethics_form
        or EthicsApprovalForm(instance=page.ethics_approval, prefix="ethics"),
    }


@login_required
@require_GET
def lifecycle_detail(request, slug):
    program = program_for(request, slug)
    return render(request, "lifecycle/lifecycle_detail.html", _page_context(request, program))


@login_required
@require_GET
def gate_panel(request, slug):
    """The gate panel alone (htmx refreshes it after an activity changes)."""
    program = program_for(request, slug)
    return render(request, "lifecycle/partials/_gate_panel.html", _page_context(request, program))


def conflict_as_409(view):
    """A concurrent change (ConcurrentTransition) becomes the 409 conflict response."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            return view(request, slug, *args, **kwargs)
        except ConcurrentTransition:
            return _conflict(request, program_for(request, slug))

    return wrapper


@login_required
@require_POST
@conflict_as_409
def decide(request, slug, decision):
    """Advance, close, send back, hold, resume, cancel, or stay (a no-go gate review)."""
    program = program_for(request, slug, "lifecycle.decide_gate")
    service = DECISIONS[decision]
    lifecycle = selectors.lifecycle_get(program=program)
    form = DecisionForm(request.POST, prefix=decision, criteria_ids=gates.criterion_labels())
    if form.is_valid():
        data = form.cleaned_data
        arguments = {
            "lifecycle": lifecycle,
            "by": request.user,
            "note": data["note"],
            "expected_stage": data["from_stage"],
        }
        if decision in WAIVABLE_DECISIONS:
            arguments["waive"] = data["waive"]
        if decision == "send_back":
            arguments["to"] = data["to"]
        try:
            service(**arguments)
        except services.GateNotMet as error:
            return _refused(request, program, decision, form, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _decision_message(decision, lifecycle))
            return redirect("lifecycle:detail", slug=program.slug)
    return _refused(request, program, decision, form, None)


def _refused(request, program, decision, form, error):
    message = " ".join(error.messages) if error is not None else None
    if not _wants_html(request):
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"error": "refused", "message": message, "errors": errors}, status=400)
    context = _page_context(request, program, bound_forms={decision: form}, decision_error=message)
    return render(request, "lifecycle/lifecycle_detail.html", context, status=400)


def _decision_message(decision: str, lifecycle) -> str:
    stage = lifecycle.get_stage_display()
    return {
        "advance": _("The program moved to %(stage)s.") % {"stage": stage},
        "close": _("The program is closed."),
        "send_back": _("The program was sent back to %(stage)s.") % {"stage": stage},
        "hold": _("The program is on hold."),
        "resume": _("The program resumed at %(stage)s.") % {"stage": stage},
        "cancel": _("The program is cancelled."),
        "stay": _("Decision recorded: the program stays in %(stage)s.") % {"stage": stage},
    }[decision]


@login_required
@require_POST
def activity_update(request, slug, pk):
    program = program_for(request, slug)
    activity = selectors.activity_get(program=program, pk=pk)
    if not request.user.has_perm("lifecycle.update_activity", activity):
        raise PermissionDenied
    can_plan = request.user.has_perm("chtprograms.change_program", program)
    team = selectors.team_users(program=program) if can_plan else []
    prefix = f"activity-{activity.pk}"
    progress = ActivityProgressForm(request.POST, prefix=prefix)
    plan = ActivityPlanForm(request.POST, prefix=prefix, team=team) if can_plan else None
    if progress.is_valid() and (plan is None or plan.is_valid()):
        try:
            activity_services.activity_record(
                activity=activity,
                by=request.user,
                plan=plan.plan() if plan is not None else None,
                **progress.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(progress, error)
            activity = selectors.activity_get(program=program, pk=pk)
        else:
            if not request.htmx:
                messages.success(request, _("Activity saved."))
                url = reverse("lifecycle:detail", args=[program.slug])
                return redirect(f"{url}?stage={activity.stage}#activity-{activity.pk}")
            activity = selectors.activity_get(program=program, pk=pk)
            activity.can_update = True
            row = _activity_row(activity, team, can_plan=can_plan, saved=True)
            response = render(
                request, "lifecycle/partials/_activity_row.html", {"row": row, "program": program}
            )
            response["HX-Trigger"] = "gate-changed"
            return response
    activity.can_update = True
    row = _activity_row(activity, team, can_plan=can_plan, progress=progress, plan=plan)
    if request.htmx:
        return render(
            request,
            "lifecycle/partials/_activity_row.html",
            {"row": row, "program": program},
            status=400,
        )
    context = _page_context(request, program)
    context["activity_rows"] = [
        row if other["activity"].pk == activity.pk else other for other in context["activity_rows"]
    ]
    return render(request, "lifecycle/lifecycle_detail.html", context, status=400)


@login_required
def stage_plan_edit(request, slug):
    program = program_for(request, slug, "chtprograms.change_program")
    lifecycle = selectors.lifecycle_get(program=program)
    form = StagePlanForm(request.POST or None, plans=selectors.stage_plans(lifecycle=lifecycle))
    if request.method == "POST" and form.is_valid():
        try:
            activity_services.stage_plan_update(lifecycle=lifecycle, dates=form.dates())
        except ValidationError as error:
            for stage, errors in error.message_dict.items():
                form.add_error(f"{stage}_end" if f"{stage}_end" in form.fields else None, errors)
        else:
            messages.success(request, _("Stage plan saved."))
            return redirect(reverse("lifecycle:detail", args=[program.slug]) + "#plan")
    return render(
        request,
        "lifecycle/stage_plan_form.html",
        {"program": program, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def ethics_approval_edit(request, slug):
    program = program_for(request, slug, "chtprograms.change_program")
    approval = selectors.ethics_approval_get(program=program)
    form = EthicsApprovalForm(request.POST or None, instance=approval, prefix="ethics")
    if request.method == "POST" and form.is_valid():
        try:
            activity_services.ethics_approval_record(
                program=program, by=request.user, **_ethics_fields(form.cleaned_data)
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Ethics approval recorded."))
            return redirect(reverse("lifecycle:detail", args=[program.slug]) + "#ethics")
    if approval is not None:
        approval.refresh_from_db()
    return render(
        request,
        "lifecycle/ethics_approval_form.html",
        {"program": program, "form": form},
        status=400 if form.errors else 200,
    )


def _ethics_fields(data: dict) -> dict:
    return {
        "approved_on": data["approved_on"],
        "reference": data["reference"],
        "approving_body": data.get("approving_body", ""),
        "expires_on": data.get("expires_on"),
    }


@login_required
@require_GET
def history(request, slug):
    """The lifecycle's history is part of the program's trail of changes (audit/) now."""
    program = program_for(request, slug)
    return redirect("audit:history", program.slug, permanent=True)

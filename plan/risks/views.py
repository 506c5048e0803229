"""Risks & lessons pages, and the scaling decision."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from chtprograms.views import _team_users
from core.views import record_delete_page, record_form_page
from plan.risks import selectors, services
from plan.risks.forms import LessonForm, RiskForm, ScalingDecisionForm
from plan.risks.models import SERIOUS_RISK_SCORE, Lesson, Risk, ScalingDecision
from plan.views import CHANGE, can_change, plan_url


@login_required
@require_GET
def risks(request, slug):
    program = program_for(request, slug)
    risk_list = selectors.risk_list(program=program)
    return render(
        request,
        "plan/risk_list.html",
        {
            "program": program,
            "risks": risk_list,
            "open_high": sum(risk.is_serious_and_open for risk in risk_list),
            "serious_score": SERIOUS_RISK_SCORE,
            "lessons": selectors.lesson_list(program=program),
            "decision": selectors.scaling_decision_get(program=program),
            "can_change": can_change(request, program),
        },
    )


@login_required
def risk_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = RiskForm(
        request.POST or None, instance=Risk(program=program), team_users=_team_users(program)
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/risk_form.html",
        save=lambda data: services.risk_create(program=program, **data),
        success=_("Risk added."),
        next_url=plan_url("risks", program),
    )


@login_required
def risk_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    risk = selectors.risk_get(program=program, pk=pk)
    form = RiskForm(request.POST or None, instance=risk, team_users=_team_users(program))
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/risk_form.html",
        save=lambda data: services.risk_update(risk=risk, **data),
        success=_("Risk saved."),
        next_url=plan_url("risks", program),
        context={"risk": risk},
    )


@login_required
def risk_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    risk = selectors.risk_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(risk),
        consequence=_("The risk is removed from the register. Closing it keeps its history."),
        delete=lambda: services.risk_delete(risk=risk),
        success=_("Risk deleted."),
        next_url=plan_url("risks", program),
        section=(_("Risks & lessons"), plan_url("risks", program)),
    )


@login_required
def lesson_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = LessonForm(
        request.POST or None,
        instance=Lesson(program=program),
        initial={"recorded_on": timezone.localdate()},
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/lesson_form.html",
        save=lambda data: services.lesson_create(program=program, by=request.user, **data),
        success=_("Lesson recorded."),
        next_url=plan_url("risks", program) + "#lessons",
    )


@login_required
def lesson_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    lesson = selectors.lesson_get(program=program, pk=pk)
    form = LessonForm(request.POST or None, instance=lesson)
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/lesson_form.html",
        save=lambda data: services.lesson_update(lesson=lesson, **data),
        success=_("Lesson saved."),
        next_url=plan_url("risks", program) + "#lessons",
        context={"lesson": lesson},
    )


@login_required
def lesson_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    lesson = selectors.lesson_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(lesson),
        consequence=_("The lesson will no longer appear in the closeout report."),
        delete=lambda: services.lesson_delete(lesson=lesson),
        success=_("Lesson deleted."),
        next_url=plan_url("risks", program) + "#lessons",
        section=(_("Risks & lessons"), plan_url("risks", program)),
    )


@login_required
def scaling_decision(request, slug):
    program = program_for(request, slug, CHANGE)
    decision = selectors.scaling_decision_get(program=program)
    form = ScalingDecisionForm(
        request.POST or None,
        instance=decision or ScalingDecision(program=program),
        initial=None
        if decision
        else {"decided_by": request.user.pk, "decided_on": timezone.localdate()},
        team_users=_team_users(program),
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/scalingdecision_form.html",
        save=lambda data: services.scaling_decision_record(program=program, **data),
        success=_("Scaling decision recorded."),
        next_url=plan_url("risks", program) + "#scaling",
        context={"decision": decision},
    )

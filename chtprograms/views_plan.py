"""Plan and evidence pages of a program: budget and spending, indicators, CHW support (4S),
risks and lessons, the scaling decision and the hosting estimate.

Team members read; program heads, administrators and site staff change. Thin views: parse the
request, call a selector or a service, render."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import charts, selectors, services
from .access import program_for
from .forms import (
    BudgetLineForm,
    CHWSupportForm,
    DataSharingAgreementForm,
    ExpenditureForm,
    HostingEstimateForm,
    HostingInstanceForm,
    IndicatorForm,
    LessonForm,
    MeasurementForm,
    RiskForm,
    ScalingDecisionForm,
)
from .hosting import DEFAULT_OVERPROVISIONING, NOT_INCLUDED, estimate_hosting
from .models import (
    BudgetLine,
    CHWSupport,
    DataSharingAgreement,
    Expenditure,
    HostingInstance,
    Indicator,
    Lesson,
    Measurement,
    Risk,
    ScalingDecision,
)
from .money import RateTable, from_usd
from .views import _apply_service_errors, _team_users

CHANGE = "chtprograms.change_program"
PAGE_SIZE = 25


def _url(name: str, program, *args) -> str:
    return reverse(f"chtprograms:{name}", args=[program.slug, *args])


def _can_change(request, program) -> bool:
    return request.user.has_perm(CHANGE, program)


def _form_page(request, *, program, form, template, save, success, next_url, context=None):
    """Save a valid form through `save(cleaned_data)` and redirect; otherwise render the form,
    with the service's errors beside the fields (400 when there are errors)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return render(
        request,
        template,
        {"program": program, "form": form, "cancel_url": next_url, **(context or {})},
        status=400 if form.errors else 200,
    )


def _delete_page(request, *, program, label, consequence, delete, success, next_url, section):
    """Ask for confirmation (GET), then delete through the service (POST)."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
        return redirect(next_url)
    return render(
        request,
        "chtprograms/plan_item_delete.html",
        {
            "program": program,
            "label": label,
            "consequence": consequence,
            "cancel_url": next_url,
            "section": section,
        },
    )


# --- budget -----------------------------------------------------------------------------------


@login_required
def budget(request, slug):
    program = program_for(request, slug)
    summary = selectors.budget_summary(program=program)
    page = Paginator(selectors.expenditure_list(program=program), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "chtprograms/budgetline_list.html",
        {
            "program": program,
            "summary": summary,
            "page": page,
            "category_chart": charts.budget_chart(
                rows=summary.by_category, currency=program.currency
            )
            if summary.lines
            else "",
            "stage_chart": charts.budget_chart(
                rows=summary.by_stage,
                currency=program.currency,
                title=_("Budget: forecast and spent by stage"),
            )
            if summary.lines
            else "",
            "can_change": _can_change(request, program),
        },
    )


@login_required
def budget_line_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = BudgetLineForm(
        request.POST or None, instance=BudgetLine(program=program), program=program
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/budgetline_form.html",
        save=lambda data: services.budget_line_create(program=program, **data),
        success=_("Budget line added."),
        next_url=_url("budget", program),
    )


@login_required
def budget_line_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    line = selectors.budget_line_get(program=program, pk=pk)
    form = BudgetLineForm(request.POST or None, instance=line, program=program)
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/budgetline_form.html",
        save=lambda data: services.budget_line_update(line=line, **data),
        success=_("Budget line saved."),
        next_url=_url("budget", program),
        context={"line": line},
    )


@login_required
def budget_line_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    line = selectors.budget_line_get(program=program, pk=pk)
    return _delete_page(
        request,
        program=program,
        label=str(line),
        consequence=_("The line and its forecast are removed from the budget."),
        delete=lambda: services.budget_line_delete(line=line),
        success=_("Budget line deleted."),
        next_url=_url("budget", program),
        section=(_("Budget"), _url("budget", program)),
    )


@login_required
def expenditure_create(request, slug):
    program = program_for(request, slug, CHANGE)
    initial = {"date": min(max(timezone.localdate(), program.planned_start), program.planned_end)}
    if "line" in request.GET:
        initial["line"] = request.GET["line"]
    form = ExpenditureForm(
        request.POST or None, instance=Expenditure(), program=program, initial=initial
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/expenditure_form.html",
        save=lambda data: services.expenditure_create(program=program, **data),
        success=_("Expenditure recorded."),
        next_url=_url("budget", program),
    )


@login_required
def expenditure_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    expenditure = selectors.expenditure_get(program=program, pk=pk)
    form = ExpenditureForm(request.POST or None, instance=expenditure, program=program)
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/expenditure_form.html",
        save=lambda data: services.expenditure_update(expenditure=expenditure, **data),
        success=_("Expenditure saved."),
        next_url=_url("budget", program),
        context={"expenditure": expenditure},
    )


@login_required
def expenditure_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    expenditure = selectors.expenditure_get(program=program, pk=pk)
    return _delete_page(
        request,
        program=program,
        label=str(expenditure),
        consequence=_("The amount no longer counts as spent."),
        delete=lambda: services.expenditure_delete(expenditure=expenditure),
        success=_("Expenditure deleted."),
        next_url=_url("budget", program),
        section=(_("Budget"), _url("budget", program)),
    )


# --- hosting estimate ---------------------------------------------------------------------------


def _hosting_initial(program) -> dict:
    support = selectors.chw_support_get(program=program)
    days = (program.planned_end - program.planned_start).days
    return {
        "users": support.chw_count + (support.supervisor_count or 0)
        if support and support.chw_count
        else 100,
        "population": 10_000,
        "workflows": 3,
        "years": max(1, -(-days // 365)),
        "overprovisioning": DEFAULT_OVERPROVISIONING,
    }


@login_required
def hosting_estimate(request, slug):
    """Try inputs (GET, live with htmx), save an estimate (POST), list the saved ones."""
    program = program_for(request, slug)
    if request.method == "POST":
        program_for(request, slug, CHANGE)
        form = HostingEstimateForm(request.POST)
        if form.is_valid():
            services.hosting_estimate_save(program=program, by=request.user, **form.cleaned_data)
            messages.success(request, _("Estimate saved."))
            return redirect(_url("hosting-estimate", program) + "?" + urlencode(form.cleaned_data))
    elif "users" in request.GET:
        form = HostingEstimateForm(request.GET)
    else:
        form = HostingEstimateForm(initial=_hosting_initial(program))
    inputs = form.cleaned_data if form.is_bound and form.is_valid() else None
    if not form.is_bound:
        inputs = form.initial
    estimate = estimate_hosting(**inputs) if inputs else None
    today = timezone.localdate()
    rates = RateTable.load([program.currency])
    context = {
        "program": program,
        "form": form,
        "inputs": inputs,
        "estimate": estimate,
        "can_change": _can_change(request, program),
        "monthly_local": from_usd(estimate.monthly_usd, program.currency, today, rates=rates)
        if estimate
        else None,
        "total_local": from_usd(estimate.total_usd, program.currency, today, rates=rates)
        if estimate
        else None,
        "not_included": NOT_INCLUDED,
    }
    if request.htmx and request.method == "GET":
        return render(request, "partials/_hosting_estimate_result.html", context, status=200)
    context["saved"] = selectors.hosting_estimate_list(program=program)
    context["instance"] = selectors.hosting_instance_get(program=program)
    return render(
        request,
        "chtprograms/hostingestimate_form.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def hosting_estimate_add_to_budget(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    estimate = selectors.hosting_estimate_get(program=program, pk=pk)
    try:
        services.hosting_estimate_add_to_budget(estimate=estimate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_url("hosting-estimate", program))
    messages.success(request, _("The estimate was added to the budget as a hosting line."))
    return redirect(_url("budget", program))


# --- indicators -----------------------------------------------------------------------------


@login_required
def indicators(request, slug):
    program = program_for(request, slug)
    progress = selectors.indicator_progress_list(program=program)
    cards = [
        {
            "progress": item,
            "chart": charts.indicator_chart(
                indicator=item.indicator, measurements=item.measurements
            ),
        }
        for item in progress
    ]
    return render(
        request,
        "chtprograms/indicator_list.html",
        {
            "program": program,
            "cards": cards,
            "on_track": sum(item.status == "on_track" for item in progress),
            "total": len(progress),
            "missing_baseline": sum(item.status == "no_baseline" for item in progress),
            "can_change": _can_change(request, program),
        },
    )


@login_required
def indicator_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = IndicatorForm(request.POST or None, instance=Indicator(program=program))
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/indicator_form.html",
        save=lambda data: services.indicator_create(program=program, **data),
        success=_("Indicator added."),
        next_url=_url("indicators", program),
    )


@login_required
def indicator_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    indicator = selectors.indicator_get(program=program, pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/indicator_form.html",
        save=lambda data: services.indicator_update(indicator=indicator, **data),
        success=_("Indicator saved."),
        next_url=_url("indicators", program),
        context={"indicator": indicator},
    )


@login_required
def indicator_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    indicator = selectors.indicator_get(program=program, pk=pk)
    return _delete_page(
        request,
        program=program,
        label=indicator.name,
        consequence=_("The indicator and all its measurements are deleted."),
        delete=lambda: services.indicator_delete(indicator=indicator),
        success=_("Indicator deleted."),
        next_url=_url("indicators", program),
        section=(_("Indicators"), _url("indicators", program)),
    )


@login_required
def measurement_create(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    indicator = selectors.indicator_get(program=program, pk=pk)
    form = MeasurementForm(
        request.POST or None,
        instance=Measurement(indicator=indicator),
        initial={"period_end": timezone.localdate()},
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/measurement_form.html",
        save=lambda data: services.measurement_create(indicator=indicator, **data),
        success=_("Measurement recorded."),
        next_url=_url("indicators", program) + f"#indicator-{indicator.pk}",
        context={"indicator": indicator},
    )


@login_required
def measurement_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    measurement = selectors.measurement_get(program=program, pk=pk)
    form = MeasurementForm(request.POST or None, instance=measurement)
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/measurement_form.html",
        save=lambda data: services.measurement_update(measurement=measurement, **data),
        success=_("Measurement saved."),
        next_url=_url("indicators", program) + f"#indicator-{measurement.indicator_id}",
        context={"indicator": measurement.indicator, "measurement": measurement},
    )


@login_required
def measurement_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    measurement = selectors.measurement_get(program=program, pk=pk)
    return _delete_page(
        request,
        program=program,
        label=str(measurement),
        consequence=_("The value is removed from the indicator's progress."),
        delete=lambda: services.measurement_delete(measurement=measurement),
        success=_("Measurement deleted."),
        next_url=_url("indicators", program),
        section=(_("Indicators"), _url("indicators", program)),
    )


# --- CHW support (4S) ---------------------------------------------------------------------------


@login_required
def chw_support(request, slug):
    program = program_for(request, slug)
    support = selectors.chw_support_get(program=program)
    return render(
        request,
        "chtprograms/chwsupport_detail.html",
        {
            "program": program,
            "support": support,
            "gaps": selectors.chw_support_gaps(support=support),
            "limit": settings.CHW_PER_SUPERVISOR_LIMIT,
            "can_change": _can_change(request, program),
        },
    )


@login_required
def chw_support_edit(request, slug):
    program = program_for(request, slug, CHANGE)
    support = selectors.chw_support_get(program=program)
    form = CHWSupportForm(
        request.POST or None,
        instance=support or CHWSupport(program=program),
        initial=None if support else {"compensation_currency": program.currency},
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/chwsupport_form.html",
        save=lambda data: services.chw_support_save(program=program, **data),
        success=_("CHW support saved."),
        next_url=_url("chw-support", program),
    )


# --- risks, lessons and the scaling decision ------------------------------------------------


@login_required
def risks(request, slug):
    program = program_for(request, slug)
    risk_list = selectors.risk_list(program=program)
    return render(
        request,
        "chtprograms/risk_list.html",
        {
            "program": program,
            "risks": risk_list,
            "open_high": sum(
                1 for risk in risk_list if risk.status != Risk.Status.CLOSED and risk.score >= 6
            ),
            "lessons": selectors.lesson_list(program=program),
            "decision": selectors.scaling_decision_get(program=program),
            "can_change": _can_change(request, program),
        },
    )


@login_required
def risk_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = RiskForm(
        request.POST or None, instance=Risk(program=program), team_users=_team_users(program)
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/risk_form.html",
        save=lambda data: services.risk_create(program=program, **data),
        success=_("Risk added."),
        next_url=_url("risks", program),
    )


@login_required
def risk_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    risk = selectors.risk_get(program=program, pk=pk)
    form = RiskForm(request.POST or None, instance=risk, team_users=_team_users(program))
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/risk_form.html",
        save=lambda data: services.risk_update(risk=risk, **data),
        success=_("Risk saved."),
        next_url=_url("risks", program),
        context={"risk": risk},
    )


@login_required
def risk_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    risk = selectors.risk_get(program=program, pk=pk)
    return _delete_page(
        request,
        program=program,
        label=str(risk),
        consequence=_("The risk is removed from the register. Closing it keeps its history."),
        delete=lambda: services.risk_delete(risk=risk),
        success=_("Risk deleted."),
        next_url=_url("risks", program),
        section=(_("Risks & lessons"), _url("risks", program)),
    )


@login_required
def lesson_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = LessonForm(
        request.POST or None,
        instance=Lesson(program=program),
        initial={"recorded_on": timezone.localdate()},
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/lesson_form.html",
        save=lambda data: services.lesson_create(program=program, by=request.user, **data),
        success=_("Lesson recorded."),
        next_url=_url("risks", program) + "#lessons",
    )


@login_required
def lesson_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    lesson = selectors.lesson_get(program=program, pk=pk)
    form = LessonForm(request.POST or None, instance=lesson)
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/lesson_form.html",
        save=lambda data: services.lesson_update(lesson=lesson, **data),
        success=_("Lesson saved."),
        next_url=_url("risks", program) + "#lessons",
        context={"lesson": lesson},
    )


@login_required
def lesson_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    lesson = selectors.lesson_get(program=program, pk=pk)
    return _delete_page(
        request,
        program=program,
        label=str(lesson),
        consequence=_("The lesson will no longer appear in the closeout report."),
        delete=lambda: services.lesson_delete(lesson=lesson),
        success=_("Lesson deleted."),
        next_url=_url("risks", program) + "#lessons",
        section=(_("Risks & lessons"), _url("risks", program)),
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
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/scalingdecision_form.html",
        save=lambda data: services.scaling_decision_record(program=program, **data),
        success=_("Scaling decision recorded."),
        next_url=_url("risks", program) + "#scaling",
        context={"decision": decision},
    )


# --- dates that reminders watch -------------------------------------------------------------


@login_required
def data_sharing_agreement(request, slug):
    """The data-sharing agreement (ethics and regulations): reference, controller, dates."""
    program = program_for(request, slug, CHANGE)
    agreement = selectors.data_sharing_agreement_get(program=program)
    form = DataSharingAgreementForm(
        request.POST or None, instance=agreement or DataSharingAgreement(program=program)
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/datasharingagreement_form.html",
        save=lambda data: services.data_sharing_agreement_record(program=program, **data),
        success=_("Data-sharing agreement saved."),
        next_url=_url("considerations", program) + "#data-sharing-agreement",
    )


@login_required
def hosting_instance(request, slug):
    """The production instance: domain, domain renewal and TLS certificate expiry."""
    program = program_for(request, slug, CHANGE)
    instance = selectors.hosting_instance_get(program=program)
    form = HostingInstanceForm(
        request.POST or None, instance=instance or HostingInstance(program=program)
    )
    return _form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/hostinginstance_form.html",
        save=lambda data: services.hosting_instance_record(program=program, **data),
        success=_("Production instance saved."),
        next_url=_url("hosting-estimate", program) + "#instance",
    )

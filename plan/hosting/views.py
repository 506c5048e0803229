"""Hosting pages: the cost estimate and the production instance."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chtprograms.access import program_for
from instances.selectors import observed_documents_per_gb, production_instances
from plan.budget.rates import from_usd
from plan.budget.selectors import exchange_rates
from plan.chw_support import selectors as chw_support_selectors
from plan.hosting import selectors as hosting_selectors
from plan.hosting import services
from plan.hosting.estimate import (
    CALCULATOR_VERSION,
    DEFAULT_OVERPROVISIONING,
    DEFAULT_REPORTS_PER_WORKFLOW_YEAR,
    DEFAULT_USERS_PER_CPU,
    DOCUMENTS_PER_GB,
    NOT_INCLUDED,
    PRODUCTION_FLOORS,
    UPGRADE_SPACE_FACTOR,
    estimate_hosting,
)
from plan.hosting.forms import HostingEstimateForm
from plan.views import CHANGE, can_change, plan_url


def _hosting_initial(program) -> dict:
    support = chw_support_selectors.chw_support_get(program=program)
    days = (program.planned_end - program.planned_start).days
    return {
        "users": support.chw_count + (support.supervisor_count or 0)
        if support and support.chw_count
        else 100,
        "population": 10_000,
        "workflows": 3,
        "years": max(1, -(-days // 365)),
        "overprovisioning": DEFAULT_OVERPROVISIONING,
        "reports_per_workflow_year": DEFAULT_REPORTS_PER_WORKFLOW_YEAR,
        "users_per_cpu": DEFAULT_USERS_PER_CPU,
        "documents_per_gb": DOCUMENTS_PER_GB,
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
            return redirect(
                plan_url("hosting-estimate", program) + "?" + urlencode(form.cleaned_data)
            )
    elif "users" in request.GET:
        form = HostingEstimateForm(request.GET)
    else:
        form = HostingEstimateForm(initial=_hosting_initial(program))
    inputs = form.cleaned_data if form.is_bound and form.is_valid() else None
    if not form.is_bound:
        inputs = form.initial
    estimate = estimate_hosting(**inputs) if inputs else None
    today = timezone.localdate()
    rates = exchange_rates([program.currency])
    context = {
        "program": program,
        "form": form,
        "inputs": inputs,
        "estimate": estimate,
        "can_change": can_change(request, program),
        "monthly_local": from_usd(estimate.monthly_usd, program.currency, today, rates=rates)
        if estimate
        else None,
        "total_local": from_usd(estimate.deployment_usd, program.currency, today, rates=rates)
        if estimate
        else None,
        "not_included": NOT_INCLUDED,
        "floors": PRODUCTION_FLOORS,
        "calculator_version": CALCULATOR_VERSION,
        "upgrade_factor": UPGRADE_SPACE_FACTOR,
        "observed": observed_documents_per_gb(program=program),
        "calculator_documents_per_gb": DOCUMENTS_PER_GB,
    }
    if request.htmx and request.method == "GET":
        return render(request, "plan/partials/_hosting_estimate_result.html", context, status=200)
    context["saved"] = hosting_selectors.hosting_estimate_list(program=program)
    context["production_instances"] = production_instances(program=program)
    return render(
        request,
        "plan/hostingestimate_form.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def hosting_estimate_add_to_budget(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    estimate = hosting_selectors.hosting_estimate_get(program=program, pk=pk)
    try:
        services.hosting_estimate_add_to_budget(estimate=estimate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan_url("hosting-estimate", program))
    messages.success(request, _("The estimate was added to the budget as a hosting line."))
    return redirect(plan_url("budget", program))


@login_required
def hosting_instance(request, slug):
    """Where the production instance's domain and certificate dates were kept before they
    moved to the Instances tab (links in older e-mails and bookmarks)."""
    program = program_for(request, slug)
    return redirect("instances:list", program.slug, permanent=True)

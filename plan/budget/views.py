"""Budget pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from core.views import record_delete_page, record_form_page
from plan.budget import charts, selectors, services
from plan.budget.forms import BudgetLineForm, ExpenditureForm
from plan.budget.models import BudgetLine, Expenditure
from plan.views import CHANGE, PAGE_SIZE, can_change, plan_url


@login_required
@require_GET
def budget(request, slug):
    program = program_for(request, slug)
    summary = selectors.budget_summary(program=program)
    page = Paginator(selectors.expenditure_list(program=program), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "plan/budgetline_list.html",
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
            "can_change": can_change(request, program),
        },
    )


@login_required
def budget_line_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = BudgetLineForm(
        request.POST or None, instance=BudgetLine(program=program), program=program
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/budgetline_form.html",
        save=lambda data: services.budget_line_create(program=program, **data),
        success=_("Budget line added."),
        next_url=plan_url("budget", program),
    )


@login_required
def budget_line_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    line = selectors.budget_line_get(program=program, pk=pk)
    form = BudgetLineForm(request.POST or None, instance=line, program=program)
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/budgetline_form.html",
        save=lambda data: services.budget_line_update(line=line, **data),
        success=_("Budget line saved."),
        next_url=plan_url("budget", program),
        context={"line": line},
    )


@login_required
def budget_line_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    line = selectors.budget_line_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(line),
        consequence=_("The line and its forecast are removed from the budget."),
        delete=lambda: services.budget_line_delete(line=line),
        success=_("Budget line deleted."),
        next_url=plan_url("budget", program),
        section=(_("Budget"), plan_url("budget", program)),
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
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/expenditure_form.html",
        save=lambda data: services.expenditure_create(program=program, **data),
        success=_("Expenditure recorded."),
        next_url=plan_url("budget", program),
    )


@login_required
def expenditure_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    expenditure = selectors.expenditure_get(program=program, pk=pk)
    form = ExpenditureForm(request.POST or None, instance=expenditure, program=program)
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/expenditure_form.html",
        save=lambda data: services.expenditure_update(expenditure=expenditure, **data),
        success=_("Expenditure saved."),
        next_url=plan_url("budget", program),
        context={"expenditure": expenditure},
    )


@login_required
def expenditure_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    expenditure = selectors.expenditure_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(expenditure),
        consequence=_("The amount no longer counts as spent."),
        delete=lambda: services.expenditure_delete(expenditure=expenditure),
        success=_("Expenditure deleted."),
        next_url=plan_url("budget", program),
        section=(_("Budget"), plan_url("budget", program)),
    )

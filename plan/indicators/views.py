"""Indicator pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from core.views import record_delete_page, record_form_page
from plan.indicators import charts, selectors, services
from plan.indicators.forms import IndicatorForm, MeasurementForm
from plan.indicators.models import Indicator, Measurement
from plan.views import CHANGE, can_change, plan_url


@login_required
@require_GET
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
        "plan/indicator_list.html",
        {
            "program": program,
            "cards": cards,
            "on_track": selectors.count_on_track(progress),
            "total": len(progress),
            "missing_baseline": sum(
                item.status == selectors.IndicatorStatus.NO_BASELINE for item in progress
            ),
            "can_change": can_change(request, program),
        },
    )


@login_required
def indicator_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = IndicatorForm(request.POST or None, instance=Indicator(program=program))
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/indicator_form.html",
        save=lambda data: services.indicator_create(program=program, **data),
        success=_("Indicator added."),
        next_url=plan_url("indicators", program),
    )


@login_required
def indicator_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    indicator = selectors.indicator_get(program=program, pk=pk)
    form = IndicatorForm(request.POST or None, instance=indicator)
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/indicator_form.html",
        save=lambda data: services.indicator_update(indicator=indicator, **data),
        success=_("Indicator saved."),
        next_url=plan_url("indicators", program),
        context={"indicator": indicator},
    )


@login_required
def indicator_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    indicator = selectors.indicator_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=indicator.name,
        consequence=_("The indicator and all its measurements are deleted."),
        delete=lambda: services.indicator_delete(indicator=indicator),
        success=_("Indicator deleted."),
        next_url=plan_url("indicators", program),
        section=(_("Indicators"), plan_url("indicators", program)),
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
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/measurement_form.html",
        save=lambda data: services.measurement_create(indicator=indicator, **data),
        success=_("Measurement recorded."),
        next_url=plan_url("indicators", program) + f"#indicator-{indicator.pk}",
        context={"indicator": indicator},
    )


@login_required
def measurement_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    measurement = selectors.measurement_get(program=program, pk=pk)
    form = MeasurementForm(request.POST or None, instance=measurement)
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/measurement_form.html",
        save=lambda data: services.measurement_update(measurement=measurement, **data),
        success=_("Measurement saved."),
        next_url=plan_url("indicators", program) + f"#indicator-{measurement.indicator_id}",
        context={"indicator": measurement.indicator, "measurement": measurement},
    )


@login_required
def measurement_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    measurement = selectors.measurement_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(measurement),
        consequence=_("The value is removed from the indicator's progress."),
        delete=lambda: services.measurement_delete(measurement=measurement),
        success=_("Measurement deleted."),
        next_url=plan_url("indicators", program),
        section=(_("Indicators"), plan_url("indicators", program)),
    )

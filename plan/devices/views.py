"""Devices pages: the program's device fleet (the "supplied" of the 4S)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from core.views import record_delete_page, record_form_page
from plan.chw_support.selectors import chw_support_get
from plan.devices import selectors, services
from plan.devices.forms import DeviceForm
from plan.devices.models import MINIMUM, RECOMMENDED, Device
from plan.views import CHANGE, can_change, plan_url


def _requirement(spec) -> dict:
    (major, minor), ram, storage = spec
    return {"android": f"{major}.{minor}", "ram": ram, "storage": storage}


@login_required
@require_GET
def devices(request, slug):
    program = program_for(request, slug)
    device_list = selectors.device_list(program=program)
    support = chw_support_get(program=program)
    return render(
        request,
        "plan/device_list.html",
        {
            "program": program,
            "devices": device_list,
            "fleet": selectors.fleet_summary(
                devices=device_list, chw_count=support.chw_count if support else None
            ),
            "minimum": _requirement(MINIMUM),
            "recommended": _requirement(RECOMMENDED),
            "can_change": can_change(request, program),
        },
    )


@login_required
def device_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = DeviceForm(request.POST or None, instance=Device(program=program))
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/device_form.html",
        save=lambda data: services.device_create(program=program, **data),
        success=_("Device added."),
        next_url=plan_url("devices", program),
    )


@login_required
def device_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    device = selectors.device_get(program=program, pk=pk)
    form = DeviceForm(request.POST or None, instance=device)
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/device_form.html",
        save=lambda data: services.device_update(device=device, **data),
        success=_("Device saved."),
        next_url=plan_url("devices", program),
        context={"device": device},
    )


@login_required
def device_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    device = selectors.device_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(device),
        consequence=_(
            "The device is removed from the fleet. "
            "Marking it lost, broken or replaced keeps it in the figures."
        ),
        delete=lambda: services.device_delete(device=device),
        success=_("Device deleted."),
        next_url=plan_url("devices", program),
        section=(_("Devices"), plan_url("devices", program)),
    )

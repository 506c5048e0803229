"""The Go-live tab of a program: the readiness criteria of the hosting gate, and their record.
Team members read; those who may change the program edit; anyone else gets 404."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from core.views import record_form_page

from . import selectors, services
from .forms import GoLiveReadinessForm
from .models import GoLiveReadiness
from .report import readiness_results

CHANGE = "chtprograms.change_program"


@login_required
@require_GET
def golive(request, slug):
    program = program_for(request, slug)
    readiness = selectors.readiness_get(program=program)
    results = readiness_results(program=program, readiness=readiness)
    return render(
        request,
        "instances/golive_detail.html",
        {
            "program": program,
            "readiness": readiness,
            "results": results,
            "met": sum(1 for result in results if result.met),
            "waived": selectors.waived_readiness(program=program),
            "can_change": request.user.has_perm(CHANGE, program),
        },
    )


@login_required
def golive_edit(request, slug):
    program = program_for(request, slug, CHANGE)
    readiness = selectors.readiness_get(program=program)
    form = GoLiveReadinessForm(
        request.POST or None, instance=readiness or GoLiveReadiness(program=program)
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="instances/golive_form.html",
        save=lambda data: services.readiness_save(program=program, **data),
        success=_("Go-live readiness saved."),
        next_url=reverse("instances:golive", args=[program.slug]),
    )

"""CHW support pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chtprograms.access import program_for
from core.views import record_form_page
from plan.chw_support import selectors, services
from plan.chw_support.forms import CHWSupportForm
from plan.chw_support.models import CHWSupport
from plan.views import CHANGE, can_change, plan_url


@login_required
@require_GET
def chw_support(request, slug):
    program = program_for(request, slug)
    support = selectors.chw_support_get(program=program)
    return render(
        request,
        "plan/chwsupport_detail.html",
        {
            "program": program,
            "support": support,
            "gaps": selectors.chw_support_gaps(support=support),
            "limit": settings.CHW_PER_SUPERVISOR_LIMIT,
            "can_change": can_change(request, program),
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
    return record_form_page(
        request,
        program=program,
        form=form,
        template="plan/chwsupport_form.html",
        save=lambda data: services.chw_support_save(program=program, **data),
        success=_("CHW support saved."),
        next_url=plan_url("chw-support", program),
    )

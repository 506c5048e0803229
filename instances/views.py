"""The Instances tab of a program: its CHT instances, their health, use and support status;
adding, editing and deleting them. Team members read; program heads, administrators and site
staff change; anyone else gets 404 (chtprograms.access.program_for)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chtprograms.access import program_for
from chtprograms.models import Program
from core.charts import PALETTE
from core.views import record_delete_page, record_form_page
from personas.models import MANAGING_ROLES, Membership

from . import charts, credentials, monitoring, selectors, services
from .forms import InstanceForm
from .models import EOL_WARNING_DAYS, Instance

CHANGE = "chtprograms.change_program"

SPARKLINES = (
    ("docs", gettext_lazy("Documents"), 0),
    ("connected", gettext_lazy("Connected users (7 days)"), 2),
    ("sentinel", gettext_lazy("Sentinel backlog"), 1),
    ("push", gettext_lazy("Outbound push backlog"), 3),
)


def _list_url(program) -> str:
    return reverse("instances:list", args=[program.slug])


def _shareable(request, program, instance=None):
    """Other programs the user heads or administers (and those the instance already serves):
    an instance may be shared with them."""
    mine = Membership.objects.current().filter(user=request.user, role__in=MANAGING_ROLES)
    wanted = Q(pk__in=mine.values("program_id"))
    if instance is not None:
        wanted |= Q(
            pk__in=instance.shared_with.through.objects.filter(instance_id=instance.pk).values(
                "program_id"
            )
        )
    return Program.objects.filter(wanted).exclude(pk=program.pk).order_by("name")


@login_required
def instance_list(request, slug):
    program = program_for(request, slug)
    views = selectors.instance_page(program=program)
    for view in views:
        view.sparklines = [
            (
                label,
                charts.sparkline(
                    title=_("%(figure)s, last 30 days: %(instance)s")
                    % {"figure": label, "instance": view.instance.host},
                    values=view.series.get(name, []),
                    colour=PALETTE[colour],
                ),
                next((v for v in reversed(view.series.get(name, [])) if v is not None), None),
            )
            for name, label, colour in SPARKLINES
        ]
    return render(
        request,
        "instances/instance_list.html",
        {
            "program": program,
            "views": views,
            "can_change": request.user.has_perm(CHANGE, program),
            "flag_rules": monitoring.FLAG_RULES.values(),
            "eol_days": EOL_WARNING_DAYS,
        },
    )


def _save(program, instance=None):
    def save(data):
        data = dict(data)
        shared = data.pop("shared_with", None)
        username = data.pop("impact_username", "") or ""
        password = data.pop("impact_password", "") or ""
        clear = data.pop("clear_credentials", False)
        if instance is None:
            return services.instance_create(
                program=program,
                shared_with=shared,
                impact_username=username,
                impact_password=password,
                **data,
            )
        return services.instance_update(
            instance=instance,
            shared_with=shared,
            impact_username=username,
            impact_password=password,
            clear_credentials=clear,
            **data,
        )

    return save


@login_required
def instance_create(request, slug):
    program = program_for(request, slug, CHANGE)
    form = InstanceForm(
        request.POST or None,
        instance=Instance(program=program),
        shareable=_shareable(request, program),
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="instances/instance_form.html",
        save=_save(program),
        success=_("Instance added. It is polled within a few minutes."),
        next_url=_list_url(program),
        context={"credentials_available": credentials.available()},
    )


@login_required
def instance_edit(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    instance = selectors.instance_get(program=program, pk=pk)
    form = InstanceForm(
        request.POST or None, instance=instance, shareable=_shareable(request, program, instance)
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="instances/instance_form.html",
        save=_save(program, instance),
        success=_("Instance saved."),
        next_url=_list_url(program),
        context={"instance": instance, "credentials_available": credentials.available()},
    )


@login_required
def instance_delete(request, slug, pk):
    program = program_for(request, slug, CHANGE)
    instance = selectors.instance_get(program=program, pk=pk)
    return record_delete_page(
        request,
        program=program,
        label=str(instance),
        consequence=_("The instance, its snapshots and its flags are deleted."),
        delete=lambda: services.instance_delete(instance=instance),
        success=_("Instance deleted."),
        next_url=_list_url(program),
        section=(_("Instances"), _list_url(program)),
    )

"""Program pages. Thin: parse the request, call a selector or a service, render."""

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chtprograms import selectors, services
from chtprograms.access import program_for
from chtprograms.considerations import AREA_DESCRIPTIONS
from chtprograms.forms import (
    MAX_PARTNERS,
    ConsiderationForm,
    ConsiderationItemAddForm,
    ConsiderationItemForm,
    DataSharingAgreementForm,
    HealthNoteForm,
    PartnerFormSet,
    ProgramCreateForm,
    ProgramForm,
    ProgramListFilterForm,
    partner_initial,
)
from chtprograms.models import DataSharingAgreement, Health, ProgramType
from chtprograms.services import default_planned_dates
from chtprograms.stages import Stage
from core import data_version
from core.forms import apply_service_errors
from core.http import safe_next
from core.pagination import BoundedPaginator
from core.views import record_form_page
from instances.selectors import instances_state_for_programs
from lifecycle.selectors import attention_for as lifecycle_attention
from lifecycle.selectors import lifecycle_summary
from personas.selectors import person_by_email, sees_every_program, team_by_role, team_users
from plan import selectors as plan_selectors

PAGE_SIZE = 25


@login_required
@require_GET
def home(request):
    """The person's programs (a page of them), each with its stage and what it needs from them:
    worked out once per data version and person. Reviewers and staff who are on no team land on
    the portfolio instead of an empty page."""
    # the site's own rule (cached roles), without asking Django's per-user permissions
    can_create = rules.has_perm("chtprograms.add_program", request.user)
    sees_all = sees_every_program(request.user)
    content = data_version.cached_page(
        request,
        "home",
        request.user.pk,
        sees_all,
        can_create,
        compute=lambda today: _home_content(request, today, can_create=can_create),
    )
    if content is None and sees_all:
        return redirect("portfolio:dashboard")
    return render(request, "chtprograms/home.html", {"content": content or ""})


def _home_content(request, today, *, can_create: bool) -> str | None:
    """The page's content, or None when the person is on no program's team (yet)."""
    page = BoundedPaginator(selectors.my_programs(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    programs = list(page.object_list)
    if not programs and sees_every_program(request.user):
        return None
    attention = lifecycle_attention(programs=programs, user=request.user, today=today)
    return render_to_string(
        "chtprograms/partials/_home.html",
        {
            "rows": [(program, attention[program.pk]) for program in programs],
            "page": page,
            "can_create": can_create,
        },
        request=request,
    )


@login_required
@require_GET
def program_list(request):
    """The programs the user may see, filtered and sorted: worked out once per data version and
    reader (a committed change moves the version on, so it shows at the next page load)."""
    # the site's own rule (cached roles), without asking Django's per-user permissions
    can_create = rules.has_perm("chtprograms.add_program", request.user)
    status, content = data_version.cached_page(
        request,
        "programs",
        # what the page needs from this reader (their activities, their gates), whether they
        # see everyone's programs and may start one
        request.user.pk,
        sees_every_program(request.user),
        request.user.is_staff or request.user.is_superuser,
        can_create,
        compute=lambda today: _program_list_content(request, today, can_create=can_create),
    )
    return render(request, "chtprograms/program_list.html", {"content": content}, status=status)


def _program_list_content(request, today, *, can_create: bool) -> tuple[int, str]:
    """(status, the list's content) from the records."""
    countries = selectors.program_countries(user=request.user)
    form = ProgramListFilterForm(request.GET, countries=countries)
    form.is_valid()
    filters = form.filters(sort=request.GET.get("sort", "name"))
    programs = selectors.program_list(user=request.user, filters=filters)
    page = BoundedPaginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    attention = lifecycle_attention(programs=page.object_list, user=request.user, today=today)
    # Links keep the filters that validated, never the raw address.
    sort_query = urlencode(form.query())
    query = urlencode(
        [*form.query(), *([("sort", filters.sort)] if filters.sort != "name" else [])]
    )
    content = render_to_string(
        "chtprograms/partials/_program_list.html",
        {
            "page": page,
            "form": form,
            "filters": filters,
            "query": query,
            "sort_query": sort_query,
            "type_choices": ProgramType.choices,
            "health_choices": Health.choices,
            "stage_choices": Stage.choices,
            "rows": [(program, attention[program.pk]) for program in page.object_list],
            "country_choices": countries,
            "can_create": can_create,
        },
        request=request,
    )
    return (400 if form.errors else 200), content  # a SafeString, kept so in the cache


@login_required
def program_create(request):
    if not request.user.has_perm("chtprograms.add_program"):
        raise PermissionDenied
    start, end = default_planned_dates()
    form = ProgramCreateForm(
        request.POST or None,
        initial={"planned_start": start, "planned_end": end},
        creator=request.user,
        find_person=person_by_email,
    )
    partners = PartnerFormSet(request.POST or None, prefix="partners")
    if "add_partner" in request.POST:  # without JavaScript: the same form, one more partner row
        form, partners = _with_partner_row(request, form, partners)
    elif request.method == "POST" and form.is_valid() and partners.is_valid():
        data = form.program_fields()
        try:
            program = services.program_create(
                head=form.cleaned_data["head"],
                partners=partners.partners(),
                new_lead_organization=form.new_lead_organization(),
                **data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Program “%(name)s” created.") % {"name": program.name})
            return redirect(program)
    return render(
        request,
        "chtprograms/program_form.html",
        {"form": form, "partners": partners, "creating": True},
        status=400 if form.errors or _formset_errors(partners) else 200,
    )


def _with_partner_row(request, form, partners):
    """The form as typed, unbound (no errors yet: nothing was sent to be saved), with the
    partner rows as typed and one empty row more."""
    initial = {name: request.POST.get(form.add_prefix(name)) for name in form.fields}
    rows = [
        {
            "organization": request.POST.get(f"partners-{i}-organization"),
            "role": request.POST.get(f"partners-{i}-role", ""),
        }
        for i in range(min(partners.total_form_count(), MAX_PARTNERS))
    ]
    rows = [row for row in rows if row["organization"] or row["role"]]
    if isinstance(form, ProgramCreateForm):
        unbound = ProgramCreateForm(
            initial=initial, creator=form.creator, find_person=form.find_person
        )
    else:
        unbound = ProgramForm(initial=initial, instance=form.instance)
    formset = PartnerFormSet(prefix="partners", initial=rows)
    formset.extra = max(0, partners.total_form_count() - len(rows)) + 1
    return unbound, formset


def _formset_errors(formset) -> bool:
    return formset.is_bound and not formset.is_valid()


@login_required
def program_edit(request, slug):
    program = program_for(request, slug, "chtprograms.change_program")
    form = ProgramForm(request.POST or None, instance=program)
    partners = PartnerFormSet(
        request.POST or None, prefix="partners", initial=partner_initial(program)
    )
    if "add_partner" in request.POST:
        form, partners = _with_partner_row(request, form, partners)
    elif request.method == "POST" and form.is_valid() and partners.is_valid():
        try:
            services.program_update(
                program=program, partners=partners.partners(), **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(program)
    # A failed form must not show the half-applied values in the workspace header.
    program.refresh_from_db()
    return render(
        request,
        "chtprograms/program_form.html",
        {"form": form, "partners": partners, "program": program, "creating": False},
        status=400 if form.errors or _formset_errors(partners) else 200,
    )


@login_required
@require_GET
def program_detail(request, slug):
    program = program_for(request, slug)
    return render(
        request,
        "chtprograms/program_detail.html",
        {
            "program": program,
            "partners": selectors.program_partners(program=program),
            "team": team_by_role(program=program),
            "health_notes": selectors.health_history(program=program, limit=5),
            "health_form": HealthNoteForm(initial={"status": program.health}),
            "consideration_summary": selectors.consideration_summary(program=program),
            "lifecycle_summary": lifecycle_summary(program=program),
            "plan": plan_selectors.plan_overview(program=program),
            "instances": instances_state_for_programs([program.pk]).get(program.pk),
            "can_change": request.user.has_perm("chtprograms.change_program", program),
        },
    )


@login_required
@require_POST
def program_health(request, slug):
    program = program_for(request, slug, "chtprograms.change_program")
    form = HealthNoteForm(request.POST)
    if form.is_valid():
        services.program_health_record(program=program, by=request.user, **form.cleaned_data)
        messages.success(request, _("Health updated."))
        return redirect(program)
    return render(
        request,
        "chtprograms/program_health_form.html",
        {"program": program, "form": form},
        status=400,
    )


@login_required
def program_archive(request, slug):
    program = program_for(request, slug, "chtprograms.change_program")
    if request.method == "POST":
        if program.is_archived:
            services.program_unarchive(program=program)
            messages.success(request, _("Program restored from the archive."))
        else:
            services.program_archive(program=program)
            messages.success(request, _("Program archived. Nothing was deleted."))
        return redirect(program)
    return render(request, "chtprograms/program_archive.html", {"program": program})


def _team_users(program):
    return team_users(program=program)


def _card_context(request, program, consideration, form=None, add_form=None, item_form=None):
    return {
        "saved": request.method == "POST" and form is None and add_form is None and not item_form,
        "program": program,
        "consideration": consideration,
        "description": AREA_DESCRIPTIONS[consideration.area],
        "form": form,
        "add_form": add_form or ConsiderationItemAddForm(),
        "item_form": item_form,
        "can_change": request.user.has_perm("chtprograms.change_program", program),
    }


def _considerations_page(program, consideration):
    return redirect(
        reverse("chtprograms:considerations", args=[program.slug]) + f"#{consideration.area}"
    )


def _render_details(request, program, consideration, form=None, status=200, saved=False):
    """htmx gets the area's details (shown, or their form) and its status badge, nothing else
    of the card: a checklist item being typed stays. Without htmx: the form's page, or back to
    where the person came from (a gate's "fix this" passes `next`) saying what was saved."""
    context = _card_context(request, program, consideration, form=form)
    if request.htmx:
        return render(
            request,
            "chtprograms/partials/_consideration_details_answer.html",
            context,
            status=status,
        )
    default = reverse("chtprograms:considerations", args=[program.slug]) + f"#{consideration.area}"
    back = safe_next(request, request.POST.get("next") or request.GET.get("next"), default)
    if form is None and status == 200:
        if saved:
            messages.success(
                request,
                _("%(area)s saved.") % {"area": consideration.get_area_display()},
            )
        return redirect(back)
    context["next"] = back if back != default else ""
    context["standalone"] = True
    return render(request, "chtprograms/consideration_edit.html", context, status=status)


@login_required
@require_GET
def consideration_list(request, slug):
    program = program_for(request, slug)
    considerations = selectors.consideration_list(program=program)
    can_change = request.user.has_perm("chtprograms.change_program", program)
    cards = [
        {
            "program": program,
            "consideration": consideration,
            "description": AREA_DESCRIPTIONS[consideration.area],
            "add_form": ConsiderationItemAddForm(),
            "can_change": can_change,
        }
        for consideration in considerations
    ]
    return render(
        request,
        "chtprograms/consideration_list.html",
        {
            "program": program,
            "cards": cards,
            "agreement": selectors.data_sharing_agreement_get(program=program),
            "can_change": can_change,
        },
    )


@login_required
def consideration_edit(request, slug, area):
    program = program_for(request, slug, "chtprograms.change_program")
    consideration = selectors.consideration_get(program=program, area=area)
    if request.method == "POST" and request.POST.get("cancel"):
        return _render_details(request, program, consideration)
    form = ConsiderationForm(
        request.POST or None, instance=consideration, team_users=_team_users(program)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consideration_update(consideration=consideration, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _render_details(request, program, consideration, saved=True)
    if request.method == "POST":
        consideration.refresh_from_db()
    return _render_details(
        request, program, consideration, form=form, status=400 if form.errors else 200
    )


@login_required
@require_POST
def consideration_item_add(request, slug, area):
    """htmx gets the add form (empty again, or with its error) and the new row alone."""
    program = program_for(request, slug, "chtprograms.change_program")
    consideration = selectors.consideration_get(program=program, area=area)
    add_form = ConsiderationItemAddForm(request.POST)
    if not add_form.is_valid():
        context = _card_context(request, program, consideration, add_form=add_form)
        if request.htmx:
            return render(
                request, "chtprograms/partials/_checklist_add_answer.html", context, status=400
            )
        return render(request, "chtprograms/consideration_edit.html", context, status=400)
    added = services.consideration_item_add(
        consideration=consideration, label=add_form.cleaned_data["label"]
    )
    if not request.htmx:
        messages.success(request, _("“%(label)s” added to the checklist.") % {"label": added.label})
        return _considerations_page(program, consideration)
    context = _card_context(request, program, consideration)
    context["added"] = added
    context["was_empty"] = not consideration.items.exclude(pk=added.pk).exists()
    return render(request, "chtprograms/partials/_checklist_add_answer.html", context)


@login_required
@require_POST
def consideration_item_update(request, slug, pk):
    """A tick or a note. htmx gets only the row's message (an error, or "saved" for screen
    readers): the box and the note keep what the person set and typed meanwhile."""
    program = program_for(request, slug, "chtprograms.change_program")
    item = selectors.consideration_item_get(program=program, pk=pk)
    form = ConsiderationItemForm(request.POST, instance=item)
    saved = form.is_valid()
    if saved:
        services.consideration_item_update(item=item, **form.cleaned_data)
    else:
        item.refresh_from_db()  # the form wrote the refused values on the instance
    context = {
        "program": program,
        "item": item,
        "item_form": None if saved else form,
        "saved": saved,
        "can_change": True,
    }
    status = 200 if saved else 400
    if request.htmx:
        return render(
            request, "chtprograms/partials/_checklist_item_error.html", context, status=status
        )
    if saved:
        messages.success(request, _("“%(label)s” saved.") % {"label": item.label})
        return _considerations_page(program, item.consideration)
    consideration = selectors.consideration_get(program=program, area=item.consideration.area)
    context = _card_context(request, program, consideration, item_form=form)
    return render(request, "chtprograms/consideration_edit.html", context, status=400)


@login_required
@require_POST
def consideration_item_delete(request, slug, pk):
    """htmx gets an answer that removes the row and nothing else, and says so to screen
    readers in the page's live region."""
    program = program_for(request, slug, "chtprograms.change_program")
    item = selectors.consideration_item_get(program=program, pk=pk)
    consideration = item.consideration
    services.consideration_item_delete(item=item)
    said = _("“%(label)s” removed from the checklist.") % {"label": item.label}
    if request.htmx:
        return render(request, "partials/_announce.html", {"text": said})
    messages.success(request, said)
    return _considerations_page(program, consideration)


@login_required
def data_sharing_agreement(request, slug):
    """The data-sharing agreement (ethics and regulations): reference, controller, dates."""
    program = program_for(request, slug, "chtprograms.change_program")
    agreement = selectors.data_sharing_agreement_get(program=program)
    form = DataSharingAgreementForm(
        request.POST or None, instance=agreement or DataSharingAgreement(program=program)
    )
    return record_form_page(
        request,
        program=program,
        form=form,
        template="chtprograms/datasharingagreement_form.html",
        save=lambda data: services.data_sharing_agreement_record(program=program, **data),
        success=_("Data-sharing agreement saved."),
        next_url=reverse("chtprograms:considerations", args=[program.slug])
        + "#data-sharing-agreement",
    )

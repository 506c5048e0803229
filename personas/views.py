"""The team page of a program: add people, change their role, take them off the team."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chtprograms.access import program_for
from core.forms import apply_service_errors, person_label
from core.http import safe_next

from . import selectors, services
from .forms import LanguageForm, MembershipAddForm, MembershipRoleForm, ProfileForm
from .models import PersonaRole
from .preferences import remember_preferences

MANAGE_HEADS = "personas.manage_heads"


def _membership_for(request, program, pk):
    """A team member's membership, for changing it: a program head's only for those who may
    appoint and remove heads (403 for the others)."""
    membership = selectors.membership_get(program=program, pk=pk)
    if membership.role == PersonaRole.PROGRAM_HEAD and not request.user.has_perm(
        MANAGE_HEADS, program
    ):
        raise PermissionDenied
    return membership


@login_required
def team(request, slug):
    program = program_for(request, slug)
    can_manage = request.user.has_perm("personas.manage_team", program)
    can_manage_heads = request.user.has_perm(MANAGE_HEADS, program)
    form = None
    if can_manage:
        form = MembershipAddForm(
            request.POST or None,
            team=selectors.team_users(program=program),
            find_person=selectors.person_by_email,
            can_appoint_head=can_manage_heads,
        )
    elif request.method == "POST":
        program_for(request, slug, "personas.manage_team")  # raises 403
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                program=program,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s added as %(role)s.")
                % {"person": person_label(membership.user), "role": membership.get_role_display()},
            )
            return redirect("personas:team", slug=program.slug)
    return render(
        request,
        "personas/team.html",
        {
            "program": program,
            "members": selectors.team_list(program=program),
            "form": form,
            "can_manage": can_manage,
            "can_manage_heads": can_manage_heads,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def membership_edit(request, slug, pk):
    program = program_for(request, slug, "personas.manage_team")
    membership = _membership_for(request, program, pk)
    form = MembershipRoleForm(
        request.POST or None,
        initial={"role": membership.role},
        record=membership,
        can_appoint_head=request.user.has_perm(MANAGE_HEADS, program),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                version=form.cleaned_data.get("version"),
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Role changed."))
            return redirect("personas:team", slug=program.slug)
    return render(
        request,
        "personas/membership_edit.html",
        {"program": program, "membership": membership, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def membership_remove(request, slug, pk):
    program = program_for(request, slug, "personas.manage_team")
    membership = _membership_for(request, program, pk)
    error = None
    if request.method == "POST":
        try:
            services.membership_end(membership=membership, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(person)s is no longer %(role)s on this program.")
                % {"person": person_label(membership.user), "role": membership.get_role_display()},
            )
            return redirect("personas:team", slug=program.slug)
    return render(
        request,
        "personas/membership_remove.html",
        {"program": program, "membership": membership, "error": error},
        status=400 if error else 200,
    )


# --- profile and preferences ------------------------------------------------------------------


@login_required
def profile(request):
    """The signed-in person's preferences: time zone, language, reminders, muted programs."""
    person = services.profile_get(user=request.user)
    programs = selectors.muteable_programs(user=request.user, profile=person)
    form = ProfileForm(request.POST or None, instance=person, programs=programs)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in (*services.PROFILE_FIELDS,)}
        try:
            person = services.profile_update(
                profile=person, muted_programs=form.cleaned_data["muted_programs"], **data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            remember_preferences(request, person)
            translation.activate(person.language)
            messages.success(request, _("Your preferences are saved."))
            response = redirect("personas:profile")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language)
            return response
    if form.errors:
        person.refresh_from_db()
    return render(
        request,
        "personas/profile_form.html",
        {"form": form, "profile": person},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def language(request):
    """The language menu: it changes the profile's language (pages and e-mails)."""
    form = LanguageForm(request.POST)
    back = safe_next(request, request.POST.get("next"), reverse("chtprograms:home"))
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages in the list."))
        return HttpResponseRedirect(back)
    person = services.profile_set_language(
        user=request.user, language=form.cleaned_data["language"]
    )
    remember_preferences(request, person)
    with translation.override(person.language):  # said in the language chosen
        messages.success(request, _("Language changed."))
    response = HttpResponseRedirect(back)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language)
    return response

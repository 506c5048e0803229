"""The team page of a program: add people, change their role, take them off the team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chtprograms.access import program_for
from chtprograms.forms import person_label

from . import selectors, services
from .forms import MembershipAddForm, MembershipRoleForm
from .models import Membership


def _membership_or_404(program, pk):
    try:
        return selectors.membership_get(program=program, pk=pk)
    except Membership.DoesNotExist:
        raise Http404("No such team member.") from None


@login_required
def team(request, slug):
    program = program_for(request, slug)
    can_manage = request.user.has_perm("personas.manage_team", program)
    form = None
    if can_manage:
        form = MembershipAddForm(request.POST or None, instance=Membership(program=program))
    elif request.method == "POST":
        program_for(request, slug, "personas.manage_team")  # raises 403
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(program=program, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
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
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def membership_edit(request, slug, pk):
    program = program_for(request, slug, "personas.manage_team")
    membership = _membership_or_404(program, pk)
    form = MembershipRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error("role", error.message_dict.get("role", error.messages))
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
    membership = _membership_or_404(program, pk)
    error = None
    if request.method == "POST":
        try:
            services.membership_end(membership=membership)
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

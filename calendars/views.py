"""The feeds (no login: the key in the address is the credential) and replacing the key."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import feed, selectors, services


def _ics(request, content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # The address is a secret: never cached by shared caches, never sent on as a referrer.
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def person_feed(request, key):
    reader = selectors.reader_for_key(key=key)
    with translation.override(reader.language):
        events = selectors.person_events(reader=reader)
        name = _("CHT Programs: %(person)s") % {
            "person": reader.user.get_full_name() or reader.user.get_username()
        }
        content = feed.render(
            reader=reader, events=events, name=name, base_url=request.build_absolute_uri("/")[:-1]
        )
    return _ics(request, content, "cht-programs.ics")


@require_GET
def team_feed(request, key, slug):
    reader = selectors.reader_for_key(key=key)
    program = selectors.team_program(reader=reader, slug=slug)
    with translation.override(reader.language):
        events = selectors.team_events(reader=reader, program=program)
        name = _("CHT Programs: %(program)s team") % {"program": program.name}
        content = feed.render(
            reader=reader, events=events, name=name, base_url=request.build_absolute_uri("/")[:-1]
        )
    return _ics(request, content, f"{program.slug}.ics")


@login_required
@require_POST
def key_rotate(request):
    """A new key: the addresses are shown on this page once (only the key's digest is kept)."""
    key = services.calendar_key_rotate(user=request.user)
    messages.success(request, _("New calendar addresses made."))
    programs = selectors.team_programs(user=request.user)
    addresses = {
        "person": request.build_absolute_uri(reverse("calendars:person", args=[key])),
        "programs": [
            (
                program,
                request.build_absolute_uri(reverse("calendars:team", args=[key, program.slug])),
            )
            for program in programs
        ],
    }
    return render(request, "calendars/key_created.html", {"addresses": addresses})

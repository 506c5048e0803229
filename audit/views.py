"""The History tab: the program's trail of changes. Read only: nothing here changes it."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chtprograms.access import program_for

from .forms import TrailFilterForm
from .selectors import program_trail, trail_filter

PER_PAGE = 50


@login_required
@require_GET
def history(request, slug):
    program = program_for(request, slug)
    trail = program_trail(program=program)
    form = TrailFilterForm(request.GET or None, people=trail["people"])
    kind, person = "", None
    if form.is_valid():
        kind, person = form.cleaned_data["kind"], form.cleaned_data["person"]
    entries = trail_filter(trail["entries"], kind=kind, person=person)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/history.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "created_at": trail["created_at"],
            "filtered": bool(kind or person),
        },
        status=400 if form.errors else 200,
    )

"""Page helpers: a record's create/edit page and its delete confirmation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from core.forms import apply_service_errors
from core.http import safe_next


def record_form_page(request, *, program, form, template, save, success, next_url, context=None):
    """Save a valid form through `save(cleaned_data)` and redirect, saying so; otherwise render
    the form, with the service's errors beside the fields (400 when there are errors). A `next`
    path on this site (a gate's "fix this" link passes one) is where Save and Cancel lead."""
    asked = request.POST.get("next") or request.GET.get("next")
    back = safe_next(request, asked, next_url)
    next_url = back
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return render(
        request,
        template,
        {
            "program": program,
            "form": form,
            "cancel_url": next_url,
            "next": back if asked and back == asked else "",
            **(context or {}),
        },
        status=400 if form.errors else 200,
    )


def record_delete_page(request, *, program, label, consequence, delete, success, next_url, section):
    """Ask for confirmation (GET), then delete through the service (POST)."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success)
        return redirect(next_url)
    return render(
        request,
        "core/record_delete.html",
        {
            "program": program,
            "label": label,
            "consequence": consequence,
            "cancel_url": next_url,
            "section": section,
        },
    )

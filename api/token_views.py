"""The profile's API tokens page: make a token (its secret is shown once), see and revoke yours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors

from . import selectors, services
from .forms import AccessTokenForm


@login_required
@never_cache
def token_list(request):
    form = AccessTokenForm(request.POST or None)
    secret = created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Token “%(name)s” made.") % {"name": created.name})
            form = AccessTokenForm()
    return render(
        request,
        "api/accesstoken_list.html",
        {
            "form": form,
            "tokens": selectors.token_list(user=request.user),
            "created": created,
            "secret": secret,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.token_get(user=request.user, pk=pk)
    services.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api:tokens")

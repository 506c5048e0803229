"""The Django admin signs people in through the same pages as the rest of the site."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def admin_login(request, extra_context=None):
    """Replaces `admin.site.login`: anonymous visitors go to the site's sign-in page (with
    its lockout, providers and two-factor step) and come back; signed-in staff go straight on;
    other signed-in people are refused rather than offered a second login form."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, resolve_url("login"))
    if request.user.is_active and request.user.is_staff:
        return redirect(next_url)
    raise PermissionDenied("Only site staff may use the administration.")

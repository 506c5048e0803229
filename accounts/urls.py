"""Sign-in URLs: allauth's pages under /accounts/, under the names the code has always used.

`login` and `logout` are the same pages as allauth's `account_login` and `account_logout`
(/accounts/login/, /accounts/logout/); /login/ and /logout/, the addresses before allauth,
redirect there with their query string, so bookmarks and `?next=` links keep working."""

from allauth.account import views as allauth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path("accounts/", include("allauth.urls")),
    path("login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("logout/", RedirectView.as_view(pattern_name="logout", query_string=True)),
]

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import admin_login

from .views import healthz, security_txt

admin.site.site_header = _("CHT Programs administration")
admin.site.site_title = _("CHT Programs")
admin.site.login = admin_login  # the admin signs in through the site's pages (accounts/)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("chtprograms.urls")),
    path("", include("personas.urls")),
    path("", include("lifecycle.urls")),
    path("", include("plan.urls")),
    path("", include("reminders.urls")),
    path("", include("reports.urls")),
    path("", include("portfolio.urls")),
    path("", include("calendars.urls")),
    path("", include("spreadsheets.urls")),
    path("", include("instances.urls")),
    path("", include("audit.urls")),
    path("", include("api.urls")),
]

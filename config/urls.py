from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from .views import healthz

admin.site.site_header = _("CHT Programs administration")
admin.site.site_title = _("CHT Programs")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("chtprograms.urls")),
    path("", include("personas.urls")),
    path("", include("lifecycle.urls")),
    path("", include("portfolio.urls")),
    path("", include("instances.urls")),
]

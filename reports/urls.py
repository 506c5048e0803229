"""A program's closeout reports: the list, a new version, a download."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("programs/<slug:slug>/reports/", views.report_list, name="reports"),
    path("programs/<slug:slug>/reports/generate/", views.report_generate, name="report-generate"),
    path(
        "programs/<slug:slug>/reports/<int:version>/download/",
        views.report_download,
        name="report-download",
    ),
]

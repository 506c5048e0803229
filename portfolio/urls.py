from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("portfolio/", views.dashboard, name="dashboard"),
    path("portfolio/export.csv", views.export_csv, name="export"),
]

from django.urls import path, re_path

from . import portfolio, views

app_name = "spreadsheets"

urlpatterns = [
    re_path(
        r"^programs/(?P<slug>[-a-zA-Z0-9_]+)/budget/export\.(?P<fmt>xlsx|csv|expenditures\.csv)$",
        views.budget_export,
        name="budget-export",
    ),
    path(
        "programs/<slug:slug>/budget/template.xlsx", views.budget_template, name="budget-template"
    ),
    path("programs/<slug:slug>/budget/import/", views.budget_import, name="budget-import"),
    path("portfolio/export.xlsx", portfolio.portfolio_xlsx, name="portfolio-export"),
]

from django.urls import path, re_path

from . import portfolio, views

app_name = "spreadsheets"

SHEET = r"^programs/(?P<slug>[-a-zA-Z0-9_]+)/sheets/(?P<sheet>[-a-z]+)/"

urlpatterns = [
    re_path(SHEET + r"export\.(?P<fmt>xlsx|csv)$", views.export, name="export"),
    re_path(SHEET + r"template\.xlsx$", views.template, name="template"),
    re_path(SHEET + r"import/$", views.import_, name="import"),
    path("portfolio/export.xlsx", portfolio.portfolio_xlsx, name="portfolio-export"),
    path("portfolio/import/", views.portfolio_import_page, name="portfolio-import"),
    path(
        "portfolio/import/template.xlsx",
        views.portfolio_template,
        name="portfolio-import-template",
    ),
]

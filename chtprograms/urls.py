from django.urls import path

from . import views, views_plan

app_name = "chtprograms"

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/", views.program_list, name="program-list"),
    path("programs/new/", views.program_create, name="program-create"),
    path("programs/<slug:slug>/", views.program_detail, name="program-detail"),
    path("programs/<slug:slug>/edit/", views.program_edit, name="program-edit"),
    path("programs/<slug:slug>/health/", views.program_health, name="program-health"),
    path("programs/<slug:slug>/archive/", views.program_archive, name="program-archive"),
    path("programs/<slug:slug>/considerations/", views.consideration_list, name="considerations"),
    path(
        "programs/<slug:slug>/considerations/<str:area>/edit/",
        views.consideration_edit,
        name="consideration-edit",
    ),
    path(
        "programs/<slug:slug>/considerations/<str:area>/items/",
        views.consideration_item_add,
        name="consideration-item-add",
    ),
    path(
        "programs/<slug:slug>/checklist/<int:pk>/",
        views.consideration_item_update,
        name="consideration-item-update",
    ),
    path(
        "programs/<slug:slug>/checklist/<int:pk>/delete/",
        views.consideration_item_delete,
        name="consideration-item-delete",
    ),
    # Plan and evidence: budget, hosting estimate, indicators, CHW support, risks and lessons.
    path("programs/<slug:slug>/budget/", views_plan.budget, name="budget"),
    path(
        "programs/<slug:slug>/budget/lines/new/",
        views_plan.budget_line_create,
        name="budget-line-create",
    ),
    path(
        "programs/<slug:slug>/budget/lines/<int:pk>/edit/",
        views_plan.budget_line_edit,
        name="budget-line-edit",
    ),
    path(
        "programs/<slug:slug>/budget/lines/<int:pk>/delete/",
        views_plan.budget_line_delete,
        name="budget-line-delete",
    ),
    path(
        "programs/<slug:slug>/budget/expenditures/new/",
        views_plan.expenditure_create,
        name="expenditure-create",
    ),
    path(
        "programs/<slug:slug>/budget/expenditures/<int:pk>/edit/",
        views_plan.expenditure_edit,
        name="expenditure-edit",
    ),
    path(
        "programs/<slug:slug>/budget/expenditures/<int:pk>/delete/",
        views_plan.expenditure_delete,
        name="expenditure-delete",
    ),
    path(
        "programs/<slug:slug>/hosting-estimate/",
        views_plan.hosting_estimate,
        name="hosting-estimate",
    ),
    path(
        "programs/<slug:slug>/hosting-estimate/<int:pk>/add-to-budget/",
        views_plan.hosting_estimate_add_to_budget,
        name="hosting-estimate-add-to-budget",
    ),
    path("programs/<slug:slug>/indicators/", views_plan.indicators, name="indicators"),
    path(
        "programs/<slug:slug>/indicators/new/",
        views_plan.indicator_create,
        name="indicator-create",
    ),
    path(
        "programs/<slug:slug>/indicators/<int:pk>/edit/",
        views_plan.indicator_edit,
        name="indicator-edit",
    ),
    path(
        "programs/<slug:slug>/indicators/<int:pk>/delete/",
        views_plan.indicator_delete,
        name="indicator-delete",
    ),
    path(
        "programs/<slug:slug>/indicators/<int:pk>/measurements/new/",
        views_plan.measurement_create,
        name="measurement-create",
    ),
    path(
        "programs/<slug:slug>/measurements/<int:pk>/edit/",
        views_plan.measurement_edit,
        name="measurement-edit",
    ),
    path(
        "programs/<slug:slug>/measurements/<int:pk>/delete/",
        views_plan.measurement_delete,
        name="measurement-delete",
    ),
    path("programs/<slug:slug>/chw-support/", views_plan.chw_support, name="chw-support"),
    path(
        "programs/<slug:slug>/chw-support/edit/",
        views_plan.chw_support_edit,
        name="chw-support-edit",
    ),
    path("programs/<slug:slug>/risks/", views_plan.risks, name="risks"),
    path("programs/<slug:slug>/risks/new/", views_plan.risk_create, name="risk-create"),
    path("programs/<slug:slug>/risks/<int:pk>/edit/", views_plan.risk_edit, name="risk-edit"),
    path(
        "programs/<slug:slug>/risks/<int:pk>/delete/",
        views_plan.risk_delete,
        name="risk-delete",
    ),
    path("programs/<slug:slug>/lessons/new/", views_plan.lesson_create, name="lesson-create"),
    path(
        "programs/<slug:slug>/lessons/<int:pk>/edit/",
        views_plan.lesson_edit,
        name="lesson-edit",
    ),
    path(
        "programs/<slug:slug>/lessons/<int:pk>/delete/",
        views_plan.lesson_delete,
        name="lesson-delete",
    ),
    path(
        "programs/<slug:slug>/data-sharing-agreement/",
        views_plan.data_sharing_agreement,
        name="data-sharing-agreement",
    ),
    path(
        "programs/<slug:slug>/hosting-instance/",
        views_plan.hosting_instance,
        name="hosting-instance",
    ),
    path(
        "programs/<slug:slug>/scaling-decision/",
        views_plan.scaling_decision,
        name="scaling-decision",
    ),
]

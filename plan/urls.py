"""Plan-and-evidence pages of a program: budget, hosting, indicators, CHW support, training,
devices, risks."""

from django.urls import path

from plan.budget import views as budget_views
from plan.chw_support import views as chw_support_views
from plan.devices import views as devices_views
from plan.hosting import views as hosting_views
from plan.indicators import views as indicators_views
from plan.risks import views as risks_views
from plan.training import views as training_views

app_name = "plan"

urlpatterns = [
    path("programs/<slug:slug>/budget/", budget_views.budget, name="budget"),
    path(
        "programs/<slug:slug>/budget/lines/new/",
        budget_views.budget_line_create,
        name="budget-line-create",
    ),
    path(
        "programs/<slug:slug>/budget/lines/<int:pk>/edit/",
        budget_views.budget_line_edit,
        name="budget-line-edit",
    ),
    path(
        "programs/<slug:slug>/budget/lines/<int:pk>/delete/",
        budget_views.budget_line_delete,
        name="budget-line-delete",
    ),
    path(
        "programs/<slug:slug>/budget/expenditures/new/",
        budget_views.expenditure_create,
        name="expenditure-create",
    ),
    path(
        "programs/<slug:slug>/budget/expenditures/<int:pk>/edit/",
        budget_views.expenditure_edit,
        name="expenditure-edit",
    ),
    path(
        "programs/<slug:slug>/budget/expenditures/<int:pk>/delete/",
        budget_views.expenditure_delete,
        name="expenditure-delete",
    ),
    path(
        "programs/<slug:slug>/hosting-estimate/",
        hosting_views.hosting_estimate,
        name="hosting-estimate",
    ),
    path(
        "programs/<slug:slug>/hosting-estimate/<int:pk>/add-to-budget/",
        hosting_views.hosting_estimate_add_to_budget,
        name="hosting-estimate-add-to-budget",
    ),
    path("programs/<slug:slug>/indicators/", indicators_views.indicators, name="indicators"),
    path(
        "programs/<slug:slug>/indicators/new/",
        indicators_views.indicator_create,
        name="indicator-create",
    ),
    path(
        "programs/<slug:slug>/indicators/<int:pk>/edit/",
        indicators_views.indicator_edit,
        name="indicator-edit",
    ),
    path(
        "programs/<slug:slug>/indicators/<int:pk>/delete/",
        indicators_views.indicator_delete,
        name="indicator-delete",
    ),
    path(
        "programs/<slug:slug>/indicators/<int:pk>/measurements/new/",
        indicators_views.measurement_create,
        name="measurement-create",
    ),
    path(
        "programs/<slug:slug>/measurements/<int:pk>/edit/",
        indicators_views.measurement_edit,
        name="measurement-edit",
    ),
    path(
        "programs/<slug:slug>/measurements/<int:pk>/delete/",
        indicators_views.measurement_delete,
        name="measurement-delete",
    ),
    path("programs/<slug:slug>/chw-support/", chw_support_views.chw_support, name="chw-support"),
    path(
        "programs/<slug:slug>/chw-support/edit/",
        chw_support_views.chw_support_edit,
        name="chw-support-edit",
    ),
    path("programs/<slug:slug>/risks/", risks_views.risks, name="risks"),
    path("programs/<slug:slug>/risks/new/", risks_views.risk_create, name="risk-create"),
    path("programs/<slug:slug>/risks/<int:pk>/edit/", risks_views.risk_edit, name="risk-edit"),
    path(
        "programs/<slug:slug>/risks/<int:pk>/delete/",
        risks_views.risk_delete,
        name="risk-delete",
    ),
    path("programs/<slug:slug>/lessons/new/", risks_views.lesson_create, name="lesson-create"),
    path(
        "programs/<slug:slug>/lessons/<int:pk>/edit/",
        risks_views.lesson_edit,
        name="lesson-edit",
    ),
    path(
        "programs/<slug:slug>/lessons/<int:pk>/delete/",
        risks_views.lesson_delete,
        name="lesson-delete",
    ),
    path(
        "programs/<slug:slug>/hosting-instance/",
        hosting_views.hosting_instance,
        name="hosting-instance",
    ),
    path(
        "programs/<slug:slug>/scaling-decision/",
        risks_views.scaling_decision,
        name="scaling-decision",
    ),
    path("programs/<slug:slug>/training/", training_views.training, name="training"),
    path(
        "programs/<slug:slug>/training/new/",
        training_views.training_event_create,
        name="training-event-create",
    ),
    path(
        "programs/<slug:slug>/training/<int:pk>/edit/",
        training_views.training_event_edit,
        name="training-event-edit",
    ),
    path(
        "programs/<slug:slug>/training/<int:pk>/delete/",
        training_views.training_event_delete,
        name="training-event-delete",
    ),
    path("programs/<slug:slug>/devices/", devices_views.devices, name="devices"),
    path("programs/<slug:slug>/devices/new/", devices_views.device_create, name="device-create"),
    path(
        "programs/<slug:slug>/devices/<int:pk>/edit/",
        devices_views.device_edit,
        name="device-edit",
    ),
    path(
        "programs/<slug:slug>/devices/<int:pk>/delete/",
        devices_views.device_delete,
        name="device-delete",
    ),
]

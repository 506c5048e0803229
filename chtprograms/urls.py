from django.urls import path

from . import views

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
    path(
        "programs/<slug:slug>/data-sharing-agreement/",
        views.data_sharing_agreement,
        name="data-sharing-agreement",
    ),
]

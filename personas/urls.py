from django.urls import path

from . import views

app_name = "personas"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/language/", views.language, name="language"),
    path("programs/<slug:slug>/team/", views.team, name="team"),
    path("programs/<slug:slug>/team/<int:pk>/edit/", views.membership_edit, name="membership-edit"),
    path(
        "programs/<slug:slug>/team/<int:pk>/remove/",
        views.membership_remove,
        name="membership-remove",
    ),
]

from django.urls import path

from . import views
from .golive import views as golive_views

app_name = "instances"

urlpatterns = [
    path("programs/<slug:slug>/instances/", views.instance_list, name="list"),
    path("programs/<slug:slug>/instances/new/", views.instance_create, name="create"),
    path("programs/<slug:slug>/instances/<int:pk>/edit/", views.instance_edit, name="edit"),
    path("programs/<slug:slug>/instances/<int:pk>/delete/", views.instance_delete, name="delete"),
    path("programs/<slug:slug>/go-live/", golive_views.golive, name="golive"),
    path("programs/<slug:slug>/go-live/edit/", golive_views.golive_edit, name="golive-edit"),
]

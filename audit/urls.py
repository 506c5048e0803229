from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("programs/<slug:slug>/history/", views.history, name="history"),
]

from django.urls import path

from . import views

app_name = "calendars"

urlpatterns = [
    path("calendar/key/", views.key_rotate, name="key-rotate"),
    path("calendar/<str:key>.ics", views.person_feed, name="person"),
    path("calendar/<str:key>/<slug:slug>.ics", views.team_feed, name="team"),
]

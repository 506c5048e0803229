"""The site's URLs and one that fails, for the 500 page's tests."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("the database is down")


urlpatterns = [path("boom/", boom), *site_urlpatterns]

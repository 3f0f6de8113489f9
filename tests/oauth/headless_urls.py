"""The test URLs plus allauth's headless API, for the headless connect tests."""

from django.urls import include, path

from tests.urls import urlpatterns as base_urlpatterns

urlpatterns = [*base_urlpatterns, path("_allauth/", include("allauth.headless.urls"))]

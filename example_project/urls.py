"""URLs of the example shop: its pages, the admin, allauth, and django-fiken's connection page."""

from django.contrib import admin
from django.urls import include, path

from example_project.shop import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("fiken/", include("django_fiken.urls")),
]

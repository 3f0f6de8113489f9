"""django-fiken's own pages; include them with ``path("fiken/", include("django_fiken.urls"))``.

The OAuth login/callback URLs are not here: allauth mounts them under ``accounts/fiken/``.
"""

from django.urls import path

from django_fiken.oauth.connection_page import ConnectionView, DisconnectView

app_name = "django_fiken"

urlpatterns = [
    path("connection/", ConnectionView.as_view(), name="connection"),
    path("connection/disconnect/", DisconnectView.as_view(), name="disconnect"),
]

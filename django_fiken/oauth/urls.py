"""allauth mounts these under its own prefix: ``accounts/fiken/login/`` and ``.../callback/``."""

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from django_fiken.oauth.provider import FikenProvider

urlpatterns = default_urlpatterns(FikenProvider)

"""Entry point allauth looks for: it imports ``<app>.provider`` for every installed app.

Having ``django_fiken`` in ``INSTALLED_APPS`` is therefore enough to register the Fiken provider;
the provider itself lives in :mod:`django_fiken.oauth.provider`.
"""

from django_fiken.oauth.provider import FikenProvider, provider_classes

__all__ = ["FikenProvider", "provider_classes"]

"""The Django admin for django-fiken, one module per model group.

Importing this package registers every admin class with ``admin.site`` (Django's autodiscover
imports ``django_fiken.admin``).
"""

from django_fiken.admin.catalog import FikenBankAccountAdmin, FikenProductAdmin
from django_fiken.admin.companies import (
    FikenCompanyAdmin,
    FikenConnectionAdmin,
    FikenSyncStateAdmin,
)
from django_fiken.admin.contacts import FikenContactAdmin
from django_fiken.admin.invoices import FikenInvoiceAdmin
from django_fiken.admin.jobs import PushJobAdmin
from django_fiken.oauth import admin as oauth_admin  # noqa: F401  (allauth admin without secrets)

__all__ = [
    "FikenBankAccountAdmin",
    "FikenCompanyAdmin",
    "FikenConnectionAdmin",
    "FikenContactAdmin",
    "FikenInvoiceAdmin",
    "FikenProductAdmin",
    "FikenSyncStateAdmin",
    "PushJobAdmin",
]

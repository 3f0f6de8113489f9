"""The mirror models: Fiken objects as Django rows, plus connections and sync bookkeeping."""

from django_fiken.models.bank import FikenBankAccount
from django_fiken.models.base import CompanyMirror, SyncedModel, SyncStatus
from django_fiken.models.company import FikenCompany
from django_fiken.models.connection import ConnectionKind, FikenConnection
from django_fiken.models.contact import FikenContact, FikenContactPerson
from django_fiken.models.invoice import (
    TRANSITIONS,
    FikenInvoice,
    FikenInvoiceLine,
    IllegalTransition,
    InvoiceState,
)
from django_fiken.models.jobs import JobKind, JobStatus, PushJob, PushLease
from django_fiken.models.money import format_ore
from django_fiken.models.product import FikenProduct
from django_fiken.models.sync_state import Collection, FikenSyncState

__all__ = [
    "TRANSITIONS",
    "Collection",
    "CompanyMirror",
    "ConnectionKind",
    "FikenBankAccount",
    "FikenCompany",
    "FikenConnection",
    "FikenContact",
    "FikenContactPerson",
    "FikenInvoice",
    "FikenInvoiceLine",
    "FikenProduct",
    "FikenSyncState",
    "IllegalTransition",
    "InvoiceState",
    "JobKind",
    "JobStatus",
    "PushJob",
    "PushLease",
    "SyncStatus",
    "SyncedModel",
    "format_ore",
]

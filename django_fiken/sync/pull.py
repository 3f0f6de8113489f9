"""Pull: bring Fiken's state into the mirror tables, page by page.

One *collection* at a time (company, bank accounts, products, contacts, invoices, credit notes),
either in full (every page) or incrementally (``lastModifiedGe`` = the last successful pull of
that collection minus ``FIKEN["PULL"]["OVERLAP_SECONDS"]``, because Fiken filters by date, not
time). Each page is upserted in one transaction together with the page number reached, so:

* memory stays bounded (one page of at most 100 objects at a time);
* a crash mid-way loses at most the page in flight, and a rerun of a full pull continues from
  the page recorded in :class:`~django_fiken.models.FikenSyncState`;
* unchanged objects (same payload as stored) are not rewritten and send no signals.

Signals (:mod:`django_fiken.signals`) are sent after each page commits, from the difference
between the stored row and the new payload, so each change in Fiken is announced exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from django_fiken.conf import fiken_settings
from django_fiken.models import (
    Collection,
    FikenCompany,
    FikenInvoice,
    FikenSyncState,
    SyncStatus,
)
from django_fiken.sync.credit_notes import apply_credit_notes, fetch_missing_credit_notes
from django_fiken.sync.payload import to_date, to_dict, to_int, to_str
from django_fiken.sync.pull_sources import SOURCES, Source

logger = logging.getLogger("django_fiken.sync.pull")

#: Every collection, in the order a pull walks them (contacts before the invoices that name them).
ORDER: tuple[str, ...] = tuple(Collection.values)

Progress = Callable[[str, int, int | None], None]


# --------------------------------------------------------------------------- summaries


@dataclass
class Counts:
    """What one pull did to one collection."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    pages: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.pages += other.pages

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "pages": self.pages,
        }


@dataclass
class PullSummary:
    """Counts per collection, for one company or added up over several."""

    collections: dict[str, Counts] = field(default_factory=dict)

    def __getitem__(self, collection: str) -> Counts:
        return self.collections.setdefault(collection, Counts())

    def merge(self, other: PullSummary) -> None:
        for name, counts in other.collections.items():
            self[name].add(counts)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {name: counts.as_dict() for name, counts in self.collections.items()}


# --------------------------------------------------------------------------- upserting


def upsert(
    source: Source,
    company: FikenCompany,
    payloads: Iterable[dict[str, Any]],
    *,
    now: datetime,
    touch_unchanged: bool = False,
    on_commit: Callable[[], None] | None = None,
) -> Counts:
    """Upsert one page of payloads into ``source.model``; returns what happened.

    Rows whose stored payload equals the new one are left alone (with ``touch_unchanged``, only
    their ``synced_at`` moves, in one UPDATE, so a full pull can tell what Fiken no longer has).
    ``on_commit`` runs inside the page's transaction (pull records the page reached there).
    """
    model = source.model
    page: dict[int, dict[str, Any]] = {}
    for payload in payloads:
        fiken_id = to_int(payload.get(source.id_key)) if isinstance(payload, dict) else None
        if fiken_id is None:
            logger.warning("Skipping a %s without %s from Fiken", source.collection, source.id_key)
            continue
        page[fiken_id] = payload
    counts = Counts(pages=1)
    existing = {
        row.fiken_id: row for row in model.objects.filter(company=company, fiken_id__in=list(page))
    }
    unlinked = [p for i, p in page.items() if i not in existing]
    existing.update(source.match_unlinked(company, unlinked) if unlinked else {})
    source.prepare(company, list(page.values()))

    created: list[Any] = []
    updated: list[Any] = []
    unchanged: list[int] = []
    before: dict[int, Any] = {}
    update_fields: set[str] = {"fiken_id", "fiken_data", "synced_at", "sync_status", "last_error"}
    for fiken_id, payload in page.items():
        row = existing.get(fiken_id)
        if (
            row is not None
            and row.fiken_id == fiken_id
            and row.fiken_data == payload
            and not row.deleted_in_fiken
        ):
            unchanged.append(row.pk)
            continue
        values = source.columns(payload, row)
        common = {
            "fiken_id": fiken_id,
            "fiken_data": payload,
            "synced_at": now,
            "deleted_in_fiken": False,
        }
        if row is None or row.sync_status == SyncStatus.SYNCED:
            common.update(sync_status=SyncStatus.SYNCED, last_error="")
        # else: a push is queued for the row (pending) or failed (error); that state, and its
        # last_error, belong to push and stay visible until push settles them.
        if row is None:
            created.append(model(company=company, **values, **common))
        else:
            before[fiken_id] = source.snapshot(row)
            for name, value in {**values, **common}.items():
                setattr(row, name, value)
            update_fields.update(values)
            update_fields.add("deleted_in_fiken")
            updated.append(row)

    with transaction.atomic():
        model.objects.bulk_create(created)
        if updated:
            model.objects.bulk_update(updated, sorted(update_fields))
        source.save_children(created + updated, page, replacing=updated)
        if touch_unchanged and unchanged:
            model.objects.filter(pk__in=unchanged).update(synced_at=now)
        if on_commit:
            on_commit()

    for row in created:
        source.announce(row, None, True)
    for row in updated:
        source.announce(row, before[row.fiken_id], False)
    counts.created, counts.updated, counts.unchanged = len(created), len(updated), len(unchanged)
    return counts


# --------------------------------------------------------------------------- pulling


def _state(company: FikenCompany, collection: str) -> FikenSyncState:
    state, _ = FikenSyncState.objects.get_or_create(company=company, collection=collection)
    return state


def incremental_since(state: FikenSyncState) -> date | None:
    """The ``lastModifiedGe`` date for an incremental pull, or None when a full one is due."""
    if state.last_success_at is None:
        return None
    overlap = timedelta(seconds=int(fiken_settings.PULL["OVERLAP_SECONDS"]))
    return timezone.localdate(state.last_success_at - overlap)


def pull_collection(
    client: Any,
    company: FikenCompany,
    collection: str,
    *,
    full: bool = False,
    progress: Progress | None = None,
) -> Counts:
    """Pull one collection of ``company``; full or incremental, resuming a broken full pull."""
    if collection == Collection.COMPANY:
        return pull_company_record(client, company)
    if collection == Collection.CREDIT_NOTES:
        return pull_credit_notes(client, company, full=full, progress=progress)
    source = SOURCES[collection]
    scope = client.company(company.slug)
    state = _state(company, collection)
    now = timezone.now()
    state.last_attempt_at = now
    since = None if full or not source.incremental else incremental_since(state)
    is_full = since is None
    if is_full:
        if state.next_page is None or state.full_started_at is None:
            state.full_started_at, state.next_page = now, 0
        start_page = state.next_page
    else:
        start_page = 0
    state.save(update_fields=["last_attempt_at", "full_started_at", "next_page"])

    counts = Counts()
    try:
        for page in source_pages(source, scope, since, start_page):

            def record_page(number: int = page.page) -> None:
                if is_full:
                    FikenSyncState.objects.filter(pk=state.pk).update(next_page=number + 1)

            counts.add(
                upsert(
                    source,
                    company,
                    page.items,
                    now=now,
                    touch_unchanged=is_full,
                    on_commit=record_page,
                )
            )
            if progress:
                progress(collection, page.page + 1, page.page_count)
        if collection == Collection.INVOICES and not is_full:
            counts.add(pull_settlements(client, company, since, now=now))
        if is_full and source.detect_deletions:
            counts.add(confirm_missing(client, company, source, state.full_started_at))
    except Exception as exc:
        FikenSyncState.objects.filter(pk=state.pk).update(last_error=_describe(exc))
        raise

    finished: dict[str, Any] = {
        "last_success_at": state.full_started_at if is_full else now,
        "last_error": "",
        "last_summary": counts.as_dict(),
    }
    if is_full:
        # An incremental pull in between leaves a broken full pull's place alone.
        finished.update(next_page=None, full_started_at=None, last_full_at=timezone.now())
    FikenSyncState.objects.filter(pk=state.pk).update(**finished)
    return counts


def confirm_missing(
    client: Any, company: FikenCompany, source: Source, started_at: datetime
) -> Counts:
    """After a full pull, ask Fiken about each row the lists did not show.

    A row can be missing from a list because it was deleted, but also because a list leaves
    some objects out (inactive ones, say) or an object moved between pages while they were
    read. Only a 404 from Fiken marks a row ``deleted_in_fiken``; anything else is upserted.
    """
    from django_fiken.client.errors import NotFound

    counts = Counts()
    scope = client.company(company.slug)
    missing = list(  # usually none or a few; read up front, as the loop writes the table
        source.model.objects.filter(
            company=company,
            fiken_id__isnull=False,
            deleted_in_fiken=False,
            synced_at__lt=started_at,
        ).values_list("pk", "fiken_id")
    )
    for pk, fiken_id in missing:
        try:
            payload = source.fetch_one(scope, fiken_id)
        except NotFound:
            counts.deleted += source.model.objects.filter(pk=pk).update(deleted_in_fiken=True)
            continue
        found = upsert(source, company, [payload], now=timezone.now(), touch_unchanged=True)
        found.pages = 0
        counts.add(found)
    return counts


def source_pages(source: Source, scope: Any, since: date | None, start_page: int) -> Iterable:
    return source.listing(scope, since).pages(start_page=start_page)


def pull_settlements(client: Any, company: FikenCompany, since: date, *, now: datetime) -> Counts:
    """Find invoices paid since ``since``: a payment changes the invoice's *sale*, not the invoice.

    Fiken keeps ``lastModifiedDate`` of an invoice when a payment is registered on its sale, so
    an incremental invoice pull alone would never see it settle. Sales changed since ``since``
    are listed; each whose ``settled`` differs from the mirrored invoice has that invoice
    fetched again and upserted (which sends ``invoice_settled``).
    """
    source = SOURCES[Collection.INVOICES]
    scope = client.company(company.slug)
    counts = Counts()
    for page in scope.sales.list(last_modified_ge=since).pages():
        settled_by_sale = {
            to_int(sale.get("saleId")): bool(sale.get("settled"))
            for sale in page.items
            if isinstance(sale, dict) and sale.get("kind") != "cash_sale"
        }
        settled_by_sale.pop(None, None)
        if not settled_by_sale:
            continue
        stale = [
            invoice
            for invoice in FikenInvoice.objects.filter(
                company=company,
                fiken_id__isnull=False,
                fiken_data__sale__saleId__in=list(settled_by_sale),
            ).only("pk", "fiken_id", "settled", "fiken_data")
            if settled_by_sale.get(to_int(to_dict(invoice.fiken_data.get("sale")).get("saleId")))
            != invoice.settled
        ]
        for invoice in stale:
            payload = source.fetch_one(scope, invoice.fiken_id)
            found = upsert(source, company, [payload], now=now)
            found.pages = 0
            counts.add(found)
    return counts


def company_columns(payload: dict[str, Any]) -> dict[str, Any]:
    """The ``FikenCompany`` columns from Fiken's ``company`` record (pull and OAuth connect)."""
    values = {
        "name": to_str(payload.get("name"), 255),
        "organization_number": to_str(payload.get("organizationNumber"), 32),
        "vat_type": to_str(payload.get("vatType"), 32),
        "email": to_str(payload.get("email"), 254),
        "has_api_access": bool(payload.get("hasApiAccess", True)),
        "test_company": bool(payload.get("testCompany", False)),
        "creation_date": to_date(payload.get("creationDate")),
    }
    if "phoneNumber" in payload:
        values["phone_number"] = to_str(payload["phoneNumber"], 64)
    return values


def pull_company_record(client: Any, company: FikenCompany) -> Counts:
    """Refresh the company row itself (name, org no, VAT type, API access)."""
    from django_fiken.client.errors import ModuleNotActivated

    state = _state(company, Collection.COMPANY)
    now = timezone.now()
    counts = Counts(pages=1)
    try:
        payload = client.companies.get(company.slug)
    except ModuleNotActivated as exc:
        FikenCompany.objects.filter(pk=company.pk).update(has_api_access=False)
        company.has_api_access = False
        FikenSyncState.objects.filter(pk=state.pk).update(
            last_error=_describe(exc), last_attempt_at=now
        )
        raise
    values = company_columns(payload)
    if company.fiken_data == payload and company.sync_status == SyncStatus.SYNCED:
        counts.unchanged = 1
    else:
        for name, value in values.items():
            setattr(company, name, value)
        company.fiken_data = payload
        company.sync_status = SyncStatus.SYNCED
        company.last_error = ""
        counts.updated = 1
    company.synced_at = now
    company.save()
    FikenSyncState.objects.filter(pk=state.pk).update(
        last_success_at=now, last_attempt_at=now, last_error="", last_summary=counts.as_dict()
    )
    return counts


def pull_credit_notes(
    client: Any, company: FikenCompany, *, full: bool = False, progress: Progress | None = None
) -> Counts:
    """Record Fiken's credit notes on the invoices they credit (``associatedInvoiceId``).

    Credit notes are not mirrored as rows: each page goes to
    :func:`~django_fiken.sync.credit_notes.apply_credit_notes`, which adds their gross to the
    invoices' ``credited_amount`` and marks an invoice ``credited`` once they cover it.
    ``updated`` counts invoices whose credit notes changed.
    """
    state = _state(company, Collection.CREDIT_NOTES)
    now = timezone.now()
    since = None if full else incremental_since(state)
    scope = client.company(company.slug)
    listing = scope.credit_notes.list(**({"last_modified_ge": since} if since else {}))
    counts = Counts()
    try:
        for page in listing.pages():
            counts.pages += 1
            changed = apply_credit_notes(company, page.items)
            counts.updated += changed
            counts.unchanged += max(0, len(page.items) - changed)
            if progress:
                progress(Collection.CREDIT_NOTES, page.page + 1, page.page_count)
    except Exception as exc:
        FikenSyncState.objects.filter(pk=state.pk).update(
            last_error=_describe(exc), last_attempt_at=now
        )
        raise
    FikenSyncState.objects.filter(pk=state.pk).update(
        last_success_at=now, last_attempt_at=now, last_error="", last_summary=counts.as_dict()
    )
    return counts


def pull(
    company: FikenCompany,
    *,
    client: Any = None,
    full: bool = False,
    only: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> PullSummary:
    """Pull every collection (or those in ``only``) of ``company``; the main entry point.

    ``client`` defaults to :func:`django_fiken.auth.client_for` the company.
    """
    if client is None:
        from django_fiken.auth import client_for

        client = client_for(company)
    wanted = list(ORDER) if only is None else [c for c in ORDER if c in set(only)]
    unknown = set(only or ()) - set(ORDER)
    if unknown:
        raise ValueError(
            f"Unknown collection(s): {', '.join(sorted(unknown))}; choose from {', '.join(ORDER)}."
        )
    summary = PullSummary()
    with pull_lock(company) as keep_alive:

        def report(collection: str, page: int, page_count: int | None) -> None:
            keep_alive()
            if progress:
                progress(collection, page, page_count)

        for collection in wanted:
            summary[collection].add(
                pull_collection(client, company, collection, full=full, progress=report)
            )
    return summary


class PullInProgress(RuntimeError):
    """Another process is pulling the same company right now."""


#: Seconds a pull's lock outlives its last sign of life (each page renews it), so a killed
#: process blocks the next pull only briefly.
LOCK_SECONDS = 300


@contextmanager
def pull_lock(company: FikenCompany) -> Iterator[Callable[[], None]]:
    """One pull per company at a time, across processes, through the limiter's shared cache.

    A scheduled pull and a manual ``fiken_sync`` would otherwise write the same rows at once.
    Yields a function that renews the lock; pull calls it after every page.
    """
    cache = caches[fiken_settings.LIMITER_CACHE]
    key = f"django-fiken:pull-lock:{company.pk}"
    if not cache.add(key, timezone.now().isoformat(), LOCK_SECONDS):
        raise PullInProgress(
            f"Company {company.slug!r} is being pulled by another process (since "
            f"{cache.get(key)}); try again when it finishes."
        )
    try:
        yield lambda: cache.touch(key, LOCK_SECONDS)
    finally:
        cache.delete(key)


def refresh_rows(client: Any, rows: Iterable[Any]) -> Counts:
    """Fetch the given mirror rows one by one from Fiken and upsert them (admin refresh).

    A row Fiken no longer has (404) is marked ``deleted_in_fiken``. An invoice's credit notes
    not recorded yet are fetched too, so its credited amount is current.
    """
    from django_fiken.client.errors import NotFound

    counts = Counts()
    for row in rows:
        source = next((s for s in SOURCES.values() if isinstance(row, s.model)), None)
        if source is None or row.fiken_id is None:
            continue
        try:
            payload = source.fetch_one(client.company(row.company.slug), row.fiken_id)
        except NotFound:
            counts.deleted += source.model.objects.filter(pk=row.pk).update(deleted_in_fiken=True)
            continue
        counts.add(upsert(source, row.company, [payload], now=timezone.now()))
        if isinstance(row, FikenInvoice):
            row.refresh_from_db()
            fetch_missing_credit_notes(client.company(row.company.slug), row)
    return counts


def _describe(exc: BaseException) -> str:
    """A one-line description for ``last_error``; Fiken errors already carry no secrets."""
    return f"{type(exc).__name__}: {exc}"[:2000]

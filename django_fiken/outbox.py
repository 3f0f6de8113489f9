"""The outbox: a host save becomes a mirror update and a :class:`PushJob` in one transaction.

What a registered host model's save costs, inside its transaction (see docs/push.md):

- a save that changes none of the adapter's ``push_fields``: nothing (0 queries);
- otherwise two statements: one upsert of the mirror row (contact or invoice header) and one
  upsert of the pending job (``INSERT ... ON CONFLICT ... DO UPDATE`` on the partial unique
  index, which is what coalesces repeated saves into one job). No HTTP, ever.

The first save in a process also resolves the company once (then cached). After the commit, a
``transaction.on_commit`` callback hands "drain company N" to django-q2; that enqueue happens
outside the host's transaction and, if the broker is down, the sweep schedule recovers the job.
Nothing here lets Fiken or bad host data fail the host's save: invalid data is recorded on the
mirror and the job, and the worker reports it.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone

from django_fiken import adapters, validation
from django_fiken.conf import fiken_settings
from django_fiken.models import (
    FikenCompany,
    FikenContact,
    FikenInvoice,
    InvoiceState,
    JobKind,
    JobStatus,
    PushJob,
    SyncStatus,
)
from django_fiken.models.jobs import COALESCING_KINDS
from django_fiken.validation import ValidationError

logger = logging.getLogger("django_fiken.outbox")

_SNAPSHOT = "_fiken_push_snapshot"
_MISSING = object()


# --------------------------------------------------------------------------------------------
# Signal wiring
# --------------------------------------------------------------------------------------------


def _uid(model: type[models.Model], what: str) -> str:
    return f"django_fiken.outbox.{what}.{model._meta.label_lower}"


def connect(model: type[models.Model]) -> None:
    """Connect the outbox to ``model``'s signals (done by ``adapters.register``)."""
    post_init.connect(_remember, sender=model, dispatch_uid=_uid(model, "init"))
    post_save.connect(_on_save, sender=model, dispatch_uid=_uid(model, "save"))
    post_delete.connect(_on_delete, sender=model, dispatch_uid=_uid(model, "delete"))


def disconnect(model: type[models.Model]) -> None:
    post_init.disconnect(sender=model, dispatch_uid=_uid(model, "init"))
    post_save.disconnect(sender=model, dispatch_uid=_uid(model, "save"))
    post_delete.disconnect(sender=model, dispatch_uid=_uid(model, "delete"))


def _watched_values(instance: models.Model, adapter: adapters.BaseAdapter) -> dict[str, Any]:
    # Read __dict__ so a deferred field (``.only()``) is never loaded just to be compared.
    return {name: instance.__dict__.get(name, _MISSING) for name in _attnames(adapter)}


def _attnames(adapter: adapters.BaseAdapter) -> frozenset[str]:
    names = set()
    for name in adapter.watched_fields():
        try:
            names.add(adapter.model._meta.get_field(name).attname)
        except Exception:
            names.add(name)
    return frozenset(names)


def _remember(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    adapter = adapters.get_adapter(sender)
    if adapter is not None:
        instance.__dict__[_SNAPSHOT] = _watched_values(instance, adapter)


def _relevant_change(
    instance: models.Model,
    adapter: adapters.BaseAdapter,
    created: bool,
    update_fields: frozenset[str] | None,
) -> bool:
    if created:
        return True
    if update_fields is not None:
        named = {instance._meta.get_field(f).attname for f in update_fields}
        if not named & _attnames(adapter):
            return False
    before = instance.__dict__.get(_SNAPSHOT)
    if before is None:
        return True
    now = _watched_values(instance, adapter)
    return any(
        before.get(name, _MISSING) != value
        for name, value in now.items()
        if value is not _MISSING or before.get(name, _MISSING) is not _MISSING
    )


def _on_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool = False,
    raw: bool = False,
    update_fields: frozenset[str] | None = None,
    using: str | None = None,
    **kwargs: Any,
) -> None:
    if raw:  # loaddata: fixtures are not shop activity
        return
    adapter = adapters.get_adapter(sender)
    if adapter is None:
        return
    try:
        if _relevant_change(instance, adapter, created, update_fields):
            enqueue_host_push(instance, using=using)
    except Exception:
        # The host's save must never fail because of Fiken; the error is in the log and the job.
        logger.exception("Could not record a Fiken push for %s %s", sender.__name__, instance.pk)
    finally:
        instance.__dict__[_SNAPSHOT] = _watched_values(instance, adapter)


def _on_delete(
    sender: type[models.Model], instance: models.Model, using: str | None = None, **kwargs: Any
) -> None:
    """A deleted host object's waiting pushes are cancelled; what is in Fiken stays there."""
    try:
        PushJob.objects.using(using or "default").filter(
            host_type=ContentType.objects.get_for_model(sender),
            host_id=str(instance.pk),
            status=JobStatus.PENDING,
        ).update(
            status=JobStatus.CANCELLED,
            last_error="The host object was deleted before the push ran.",
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("Could not cancel Fiken pushes for deleted %s", sender.__name__)


# --------------------------------------------------------------------------------------------
# Company resolution (cached: the host save path has a two-query budget)
# --------------------------------------------------------------------------------------------

_company_ids: dict[str, int] = {}


def forget_companies(**kwargs: Any) -> None:
    """Drop the remembered company pks (a test's rollback can remove the rows behind them).

    The shipped pytest plugin calls this around every test; a ``unittest`` suite that rolls back
    company rows calls it in ``setUp``.
    """
    _company_ids.clear()


post_save.connect(forget_companies, sender=FikenCompany, dispatch_uid="django_fiken.outbox.co")
post_delete.connect(forget_companies, sender=FikenCompany, dispatch_uid="django_fiken.outbox.cd")


def company_id_for(value: FikenCompany | str | None) -> int:
    """The pk of the company an adapter named (``None``: ``FIKEN["COMPANY_SLUG"]``)."""
    if isinstance(value, FikenCompany):
        return value.pk
    slug = value or fiken_settings.COMPANY_SLUG
    if not slug:
        raise ImproperlyConfigured(
            'No Fiken company for this object: set FIKEN["COMPANY_SLUG"] or return one from '
            "the adapter's company(obj)."
        )
    try:
        return _company_ids[slug]
    except KeyError:
        company, created = FikenCompany.objects.get_or_create(slug=slug)
        remember = partial(_company_ids.__setitem__, slug, company.pk)
        if created:
            # Only once committed: the host's transaction that just created the row may still
            # roll back, and a remembered missing pk would lose every later save's job.
            transaction.on_commit(remember, using=company._state.db)
        else:
            remember()
        return company.pk


# --------------------------------------------------------------------------------------------
# Upserts on partial unique indexes (one statement each)
# --------------------------------------------------------------------------------------------

_predicates: dict[tuple[str, str, str], str] = {}


def _constraint_predicate(model: type[models.Model], name: str, connection: Any) -> tuple:
    constraint = next(c for c in model._meta.constraints if c.name == name)
    key = (connection.alias, model._meta.label, name)
    if key not in _predicates:
        # The same SQL Django put in the index, so PostgreSQL can infer the partial index.
        _predicates[key] = constraint._get_condition_sql(model, connection.schema_editor())
    return constraint.fields, _predicates[key]


def upsert(
    obj: models.Model,
    *,
    constraint: str,
    update_fields: list[str],
    update_where: str = "",
    raw_values: dict[str, tuple[str, list[Any]]] | None = None,
    using: str = "default",
) -> int | None:
    """Insert ``obj`` or update the row the partial unique ``constraint`` finds; return its pk.

    Django's ``bulk_create(update_conflicts=True)`` cannot name a partial index's predicate,
    which PostgreSQL needs, hence this one statement of SQL (PostgreSQL and SQLite ≥ 3.35).
    Returns ``None`` when ``update_where`` kept an existing row unchanged.
    """
    connection = connections[using]
    qn = connection.ops.quote_name
    opts = type(obj)._meta
    raw_values = raw_values or {}
    columns, placeholders, params = [], [], []
    for field in opts.concrete_fields:
        if field.primary_key:
            continue
        columns.append(qn(field.column))
        if field.attname in raw_values:
            sql, sql_params = raw_values[field.attname]
            placeholders.append(sql)
            params.extend(sql_params)
        else:
            value = field.pre_save(obj, add=True)
            placeholders.append("%s")
            params.append(field.get_db_prep_save(value, connection))
    conflict_fields, predicate = _constraint_predicate(type(obj), constraint, connection)
    conflict = ", ".join(qn(opts.get_field(name).column) for name in conflict_fields)
    sets = ", ".join(
        f"{qn(opts.get_field(name).column)} = excluded.{qn(opts.get_field(name).column)}"
        for name in update_fields
    )
    table = qn(opts.db_table)
    # Identifiers come from model metadata; every value is a query parameter.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(placeholders)}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) WHERE {predicate} DO UPDATE SET {sets}"
    )
    if update_where:
        sql += f" WHERE {update_where.format(table=table)}"
    sql += f" RETURNING {qn(opts.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------------------------
# Host object → mirror + job
# --------------------------------------------------------------------------------------------


def enqueue_host_push(instance: models.Model, *, using: str | None = None) -> PushJob | None:
    """Record that ``instance`` must be pushed; returns nothing useful to the host.

    Called from ``post_save`` for registered models; call it yourself to push an object whose
    relevant data changed elsewhere (e.g. after adding lines to an already-saved order).
    """
    using = using or router.db_for_write(type(instance))
    adapter = adapters.adapter_for(instance)
    if isinstance(adapter, adapters.ContactAdapter):
        _enqueue_contact(instance, adapter, using)
    elif isinstance(adapter, adapters.InvoiceAdapter):
        _enqueue_invoice(instance, adapter, using)
    return None


def _describe(exc: Exception) -> tuple[dict[str, list[str]], str]:
    if isinstance(exc, ValidationError):
        return exc.errors, f"Invalid data for Fiken: {exc.summary()}"
    message = f"The Fiken adapter failed: {type(exc).__name__}: {exc}"
    return {"adapter": [message]}, message


def contact_payload(customer: models.Model) -> tuple[dict[str, Any], adapters.ContactData]:
    """The validated Fiken body for a host customer, keyed by its adapter's host key."""
    adapter = adapters.adapter_for(customer)
    if not isinstance(adapter, adapters.ContactAdapter):
        raise ValidationError(
            {"customer": [f"{type(customer).__name__} has no contact adapter registered"]}
        )
    key = adapter.host_key(customer)
    data = adapter.to_contact(customer)
    data.validate()
    payload = {
        "host_key": key,
        "body": data.to_fiken(key),
        "matching_keys": list(adapter.matching_keys),
        "host_type": ContentType.objects.get_for_model(type(customer)).pk,
        "host_id": str(customer.pk),
    }
    return payload, data


def _enqueue_contact(instance: models.Model, adapter: adapters.ContactAdapter, using: str) -> None:
    company_id = company_id_for(adapter.company(instance))
    key = adapter.host_key(instance)
    mirror = FikenContact(
        company_id=company_id,
        member_number_string=key,
        is_customer=True,
        sync_status=SyncStatus.PENDING,
    )
    try:
        contact, data = contact_payload(instance)
        payload = {"contact": contact}
        mirror.name = data.name
        mirror.email = data.email
        mirror.organization_number = data.organization_number
        mirror.phone_number = data.phone_number
        mirror.currency = data.currency
        mirror.language = data.language
        update = ["name", "email", "organization_number", "phone_number", "currency"]
        update += ["language", "is_customer", "sync_status", "last_error"]
        error = ""
    except Exception as exc:
        errors, error = _describe(exc)
        payload = {"invalid": errors}
        mirror.sync_status = SyncStatus.ERROR
        mirror.name = mirror.name or key
        update = ["sync_status", "last_error"]
    mirror.last_error = error
    mirror_id = upsert(
        mirror,
        constraint="django_fiken_contact_unique_member_number",
        update_fields=update,
        using=using,
    )
    _upsert_job(
        company_id, JobKind.PUSH_CONTACT, FikenContact, mirror_id, instance, payload, error, using
    )


def invoice_payload(
    instance: models.Model, adapter: adapters.InvoiceAdapter
) -> tuple[dict[str, Any], adapters.InvoiceData]:
    """Everything the worker needs to create the invoice, validated, as JSON."""
    data = adapter.to_invoice(instance)
    data.validate()
    send = adapter.send_options(instance, data)
    send.validate()
    customer, _ = contact_payload(data.customer)
    payload = {
        "host_key": adapter.host_key(instance),
        "policy": adapter.invoice_policy,
        "via_draft": adapter.via_draft,
        "customer": customer,
        "invoice": {
            "issue_date": data.issue_date.isoformat(),
            "days_until_due": data.days_until_due,
            "currency": data.currency,
            "bank_account": data.resolved_bank_account(),
            "invoice_text": data.invoice_text,
            "your_reference": data.your_reference,
            "our_reference": data.our_reference,
            "cash_payment_account": data.cash_payment_account,
            "lines": [
                {
                    "description": line.description,
                    "unit_price": line.unit_price,
                    "quantity": line.quantity_json(),
                    "vat_type": line.vat_type,
                    "income_account": line.income_account,
                    "product_id": line.product_id,
                    "comment": line.comment,
                }
                for line in data.lines
            ],
        },
        "send": send.to_payload(),
    }
    return payload, data


def _enqueue_invoice(instance: models.Model, adapter: adapters.InvoiceAdapter, using: str) -> None:
    if not adapter.should_invoice(instance):
        return
    company_id = company_id_for(adapter.company(instance))
    key = adapter.host_key(instance)
    mirror = FikenInvoice(
        company_id=company_id,
        host_key=key,
        order_reference=key,
        state=InvoiceState.NEW,
        sync_status=SyncStatus.PENDING,
    )
    raw_values: dict[str, tuple[str, list[Any]]] = {}
    try:
        payload, data = invoice_payload(instance, adapter)
        invoice = payload["invoice"]
        mirror.issue_date = data.issue_date
        mirror.due_date = data.issue_date + timedelta(days=data.days_until_due)
        mirror.currency = invoice["currency"]
        mirror.invoice_text = invoice["invoice_text"]
        mirror.your_reference = invoice["your_reference"]
        mirror.our_reference = invoice["our_reference"]
        mirror.cash = bool(invoice["cash_payment_account"])
        mirror.net = data.gross_estimate()
        contact_table = connections[using].ops.quote_name(FikenContact._meta.db_table)
        raw_values["customer_id"] = (
            f"(SELECT id FROM {contact_table} "  # noqa: S608 - the table name from model metadata
            "WHERE company_id = %s AND member_number_string = %s)",
            [company_id, payload["customer"]["host_key"]],
        )
        update = ["customer", "issue_date", "due_date", "currency", "invoice_text"]
        update += ["your_reference", "our_reference", "cash", "net", "sync_status", "last_error"]
        error = ""
    except Exception as exc:
        errors, error = _describe(exc)
        payload = {"invalid": errors}
        mirror.sync_status = SyncStatus.ERROR
        update = ["sync_status", "last_error"]
    mirror.last_error = error
    state_column = connections[using].ops.quote_name("state")
    mirror_id = upsert(
        mirror,
        constraint="django_fiken_invoice_unique_host_key",
        update_fields=update,
        # An issued invoice is immutable in Fiken; later saves of the order leave it alone.
        update_where=f"{{table}}.{state_column} IN ('new', 'draft')",
        raw_values=raw_values,
        using=using,
    )
    if mirror_id is None:
        logger.info("Invoice for %s is already issued in Fiken; save not pushed", key)
        return
    _upsert_job(
        company_id, JobKind.PUSH_INVOICE, FikenInvoice, mirror_id, instance, payload, error, using
    )


def _upsert_job(
    company_id: int,
    kind: str,
    target_model: type[models.Model],
    target_id: int,
    host: models.Model | None,
    payload: dict[str, Any],
    error: str,
    using: str,
) -> None:
    now = timezone.now()
    job = PushJob(
        company_id=company_id,
        kind=kind,
        status=JobStatus.PENDING,
        target_type=ContentType.objects.db_manager(using).get_for_model(target_model),
        target_id=target_id,
        host_type=(
            ContentType.objects.db_manager(using).get_for_model(type(host)) if host else None
        ),
        host_id=str(host.pk) if host is not None else "",
        payload=payload,
        last_error=error,
        created_at=now,
        # Saves in quick succession push once: each save moves the job a little later.
        next_attempt_at=now + timedelta(seconds=coalesce_seconds()),
    )
    upsert(
        job,
        constraint="django_fiken_one_pending_job_per_target",
        update_fields=["payload", "last_error", "next_attempt_at", "updated_at"],
        using=using,
    )
    schedule_drain(company_id, using=using)


def coalesce_seconds() -> float:
    return float(fiken_settings.QUEUE.get("COALESCE_SECONDS", 0) or 0)


# --------------------------------------------------------------------------------------------
# Jobs enqueued by operators and by the worker (lifecycle steps)
# --------------------------------------------------------------------------------------------


def enqueue(
    kind: str,
    target: models.Model,
    *,
    payload: dict[str, Any] | None = None,
    host: models.Model | None = None,
    delay: float = 0,
) -> PushJob:
    """Create (or, for a coalescing kind, reuse the pending) job of ``kind`` for ``target``.

    Used by admin actions, ``fiken_push`` and the worker's own follow-up steps. For the kinds in
    :data:`~django_fiken.models.jobs.COALESCING_KINDS` a pending job of the same kind for the same
    target is reused, its payload replaced; every payment or credit note gets a job of its own.
    """
    content_type = ContentType.objects.get_for_model(type(target))
    pending = PushJob.objects.filter(
        kind=kind, target_type=content_type, target_id=target.pk, status=JobStatus.PENDING
    )
    if kind not in COALESCING_KINDS:
        pending = pending.none()
    for _ in range(3):
        if payload is not None and pending.update(payload=payload, updated_at=timezone.now()):
            job = pending.first()
        elif (job := pending.first()) is None:
            try:
                with transaction.atomic():  # a savepoint: a concurrent insert must not break
                    job = PushJob.objects.create(  # the caller's transaction
                        company_id=target.company_id,
                        kind=kind,
                        target_type=content_type,
                        target_id=target.pk,
                        host_type=ContentType.objects.get_for_model(type(host)) if host else None,
                        host_id=str(host.pk) if host is not None else "",
                        payload=payload or {},
                        next_attempt_at=timezone.now() + timedelta(seconds=delay),
                    )
            except IntegrityError:  # one was created meanwhile: reuse it
                continue
        if job is not None:
            schedule_drain(target.company_id)
            return job
    raise RuntimeError(f"Could not enqueue {kind} for {target!r}")


def register_payment(invoice: FikenInvoice, *, amount: int, paid_on: date, account: str) -> PushJob:
    """Queue a payment on an issued invoice's sale (money received outside Fiken).

    ``amount`` is øre, ``account`` the account it was paid into (e.g. ``"1920:10001"``).
    """
    problems = validation.Problems()
    problems.add("amount", validation.ore_problem(amount))
    if isinstance(amount, int) and not isinstance(amount, bool) and amount == 0:
        problems.add("amount", "a payment of 0 øre registers nothing")
    problems.add("paid_on", validation.date_problem(paid_on))
    problems.add("account", validation.account_code_problem(account))
    problems.raise_if_any()
    payload = {"date": paid_on.isoformat(), "account": account, "amount": amount}
    return enqueue(JobKind.REGISTER_PAYMENT, invoice, payload=payload)


def schedule_drain(company_id: int, *, using: str | None = None) -> None:
    """After the current transaction commits, ask django-q2 to drain the company."""
    transaction.on_commit(partial(kick, company_id), using=using)


def _kick_key(company_id: int) -> str:
    return f"django_fiken:drain-requested:{company_id}"


def drain_started(company_id: int) -> None:
    """Called by a drain as it starts: saves from now on ask for a new drain."""
    try:
        caches[fiken_settings.LIMITER_CACHE].delete(_kick_key(company_id))
    except Exception:
        logger.exception("Could not clear the drain marker for company %s", company_id)


def kick(company_id: int, *, force: bool = False) -> str | None:
    """Hand "drain company N" to django-q2 now; a failure is logged, the sweep recovers.

    Fifty saves in a row ask for one drain, not fifty: a marker in the shared cache says a
    drain is already queued and not yet started (it expires after ``QUEUE["LEASE_SECONDS"]``,
    so a lost task only delays the next request that long; the sweep covers the rest).
    """
    from django_q.tasks import async_task

    try:
        timeout = int(fiken_settings.QUEUE["LEASE_SECONDS"])
        added = caches[fiken_settings.LIMITER_CACHE].add(_kick_key(company_id), 1, timeout)
        if not added and not force:
            return None
    except Exception:
        logger.exception("Drain marker unavailable; enqueueing anyway")
    try:
        return async_task(
            "django_fiken.jobs.drain_company",
            company_id,
            task_name=f"fiken-drain-{company_id}",
            cluster=fiken_settings.QUEUE.get("CLUSTER"),
            group="django_fiken",
            save=False,
        )
    except Exception:
        logger.exception(
            "Could not hand company %s to django-q2; the sweep will pick it up", company_id
        )
        return None

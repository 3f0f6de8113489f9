"""The worker: django-q2 task functions that drain the outbox, one company at a time.

``drain_company(company_id)`` is what the outbox hands django-q2 after a commit; ``sweep()`` is
what the django-q2 schedule runs every ``QUEUE["SWEEP_MINUTES"]`` so a lost task, a flushed
Redis or a dead worker loses nothing: the rows are the truth, tasks are only nudges.

A drain claims the company's lease (a row lock taken with ``select_for_update(skip_locked=True)``
in a short transaction that writes ``owner`` and ``leased_until`` and commits), then runs the
company's due jobs in creation order. No database transaction is open while Fiken is called.
A lease that expires (a worker killed with SIGKILL) frees the company for the next drain, which
treats any job left ``running`` as ambiguous: it looks in Fiken before creating anything.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.signals import post_migrate
from django.utils import timezone

from django_fiken.client import (
    AmbiguousFailure,
    BadRequest,
    Conflict,
    FikenError,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    UnsupportedMediaType,
)
from django_fiken.conf import fiken_settings
from django_fiken.models import (
    FikenCompany,
    FikenContact,
    FikenInvoice,
    IllegalTransition,
    JobStatus,
    PushJob,
    PushLease,
    SyncStatus,
)
from django_fiken.sync.push import HANDLERS, PermanentFailure, PushContext
from django_fiken.validation import ValidationError

logger = logging.getLogger("django_fiken.jobs")

SWEEP_SCHEDULE_NAME = "django-fiken outbox sweep"
#: Errors no retry can fix: Fiken refused the request, or our own checks did.
PERMANENT_ERRORS = (
    BadRequest,
    Forbidden,
    NotFound,
    Conflict,
    UnsupportedMediaType,
    Unauthorized,
    ValidationError,
    IllegalTransition,
    PermanentFailure,
    ObjectDoesNotExist,  # the mirror was deleted while the job waited
    ImproperlyConfigured,  # no connection reaches the company, no token...
)


def _queue(name: str) -> Any:
    return fiken_settings.QUEUE[name]


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------------------------
# Leases
# --------------------------------------------------------------------------------------------


def claim_lease(company_id: int, owner: str) -> bool:
    """Take the company's lease if it is free or expired; True when ``owner`` now holds it."""
    with contextlib.suppress(IntegrityError):  # another worker created it just now
        PushLease.objects.get_or_create(company_id=company_id)
    now = timezone.now()
    until = now + timedelta(seconds=float(_queue("LEASE_SECONDS")))
    free = Q(owner="") | Q(owner=owner) | Q(leased_until__lt=now)
    leases = PushLease.objects.filter(company_id=company_id)
    if not connection.features.has_select_for_update_skip_locked:
        # SQLite: no row locks, and a read-then-write transaction can fail with "database is
        # locked"; the conditional UPDATE alone is atomic there.
        return bool(leases.filter(free).update(owner=owner, leased_until=until))
    with transaction.atomic():
        lease = leases.select_for_update(skip_locked=True).first()
        if lease is None:  # another worker is claiming it this very moment
            return False
        return bool(leases.filter(pk=lease.pk).filter(free).update(owner=owner, leased_until=until))


def renew_lease(company_id: int, owner: str) -> bool:
    until = timezone.now() + timedelta(seconds=float(_queue("LEASE_SECONDS")))
    return bool(
        PushLease.objects.filter(company_id=company_id, owner=owner).update(leased_until=until)
    )


def release_lease(company_id: int, owner: str) -> None:
    PushLease.objects.filter(company_id=company_id, owner=owner).update(owner="", leased_until=None)


# --------------------------------------------------------------------------------------------
# Job state changes (each its own short write)
# --------------------------------------------------------------------------------------------


def recover_orphans(company_id: int) -> int:
    """Jobs left ``running`` by a worker that died: back to pending, marked ambiguous.

    Called only by the lease holder, so nobody else is running them. If a newer pending job for
    the same target exists (saves during the dead attempt), it inherits the doubt and the
    orphan is closed as superseded.
    """
    count = 0
    for job in PushJob.objects.filter(company_id=company_id, status=JobStatus.RUNNING):
        _requeue(job, ambiguous=True, error="The worker running this job stopped mid-way.")
        count += 1
    return count


def _requeue(job: PushJob, *, ambiguous: bool, error: str, delay: float = 0) -> None:
    now = timezone.now()
    fields = {
        "status": JobStatus.PENDING,
        "ambiguous": job.ambiguous or ambiguous,
        "last_error": error,
        "next_attempt_at": now + timedelta(seconds=delay),
        "lease_owner": "",
        "leased_until": None,
        "fiken_request_id": job.fiken_request_id,
    }
    try:
        with transaction.atomic():
            PushJob.objects.filter(pk=job.pk).update(**fields, updated_at=now)
    except IntegrityError:
        # A newer pending job for the same target exists: it carries the newer data.
        sibling = PushJob.objects.filter(
            kind=job.kind,
            target_type_id=job.target_type_id,
            target_id=job.target_id,
            status=JobStatus.PENDING,
        ).first()
        if sibling is not None and fields["ambiguous"]:
            PushJob.objects.filter(pk=sibling.pk).update(ambiguous=True)
        PushJob.objects.filter(pk=job.pk).update(
            status=JobStatus.CANCELLED,
            last_error=f"{error} Superseded by job {sibling.pk if sibling else '?'}.",
            finished_at=now,
            updated_at=now,
        )
    for name, value in fields.items():
        setattr(job, name, value)


def next_due_job(company_id: int) -> PushJob | None:
    return (
        PushJob.objects.filter(
            company_id=company_id,
            status=JobStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("created_at", "pk")
        .first()
    )


def seconds_until_next(company_id: int) -> float | None:
    upcoming = (
        PushJob.objects.filter(company_id=company_id, status=JobStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if upcoming is None:
        return None
    return max(0.0, (upcoming - timezone.now()).total_seconds())


def _start(job: PushJob, owner: str) -> bool:
    """Mark ``job`` running (attempt counted); False if it changed under us."""
    until = timezone.now() + timedelta(seconds=float(_queue("LEASE_SECONDS")))
    started = PushJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING,
        attempts=job.attempts + 1,
        lease_owner=owner,
        leased_until=until,
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return bool(started)


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter; Fiken's Retry-After is a floor."""
    base = float(_queue("BACKOFF_BASE_SECONDS"))
    cap = float(_queue("BACKOFF_MAX_SECONDS"))
    delay = random.uniform(0, min(cap, base * (2 ** max(0, attempts - 1))))  # noqa: S311
    return max(delay, retry_after or 0.0)


def _set_mirror_error(job: PushJob, message: str) -> None:
    model = job.target_type.model_class()
    if model in (FikenContact, FikenInvoice):
        model.objects.filter(pk=job.target_id).update(
            sync_status=SyncStatus.ERROR, last_error=message
        )


def describe_error(exc: BaseException) -> str:
    """Operator-readable text for ``last_error``: Fiken's own messages and request id."""
    if isinstance(exc, ValidationError):
        return f"Invalid data for Fiken: {exc.summary()}"
    if isinstance(exc, FikenError):
        return str(exc)[:4000]
    if isinstance(exc, IllegalTransition):
        return "; ".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"[:4000]


def run_job(job: PushJob, context_factory: Callable[[PushJob], PushContext], owner: str) -> str:
    """Run one claimed job to its next state; returns the new status."""
    if not _start(job, owner):
        return job.status
    handler = HANDLERS[job.kind]
    try:
        target = job.target_type.get_object_for_this_type(pk=job.target_id)
        result = handler(context_factory(job), target)
    except PERMANENT_ERRORS as exc:
        message = describe_error(exc)
        PushJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            last_error=message,
            fiken_request_id=getattr(exc, "request_id", "") or "",
            finished_at=timezone.now(),
            lease_owner="",
            leased_until=None,
        )
        _set_mirror_error(job, message)
        logger.warning("Fiken push job %s failed: %s", job.pk, message)
        return JobStatus.FAILED
    except Exception as exc:  # retryable: 429, 5xx, timeouts, ambiguous failures, our own bugs
        message = describe_error(exc)
        job.fiken_request_id = getattr(exc, "request_id", "") or ""
        if job.attempts >= int(_queue("MAX_ATTEMPTS")):
            PushJob.objects.filter(pk=job.pk).update(
                status=JobStatus.DEAD,
                last_error=f"Gave up after {job.attempts} attempts. {message}",
                fiken_request_id=job.fiken_request_id,
                ambiguous=job.ambiguous or isinstance(exc, AmbiguousFailure),
                finished_at=timezone.now(),
                lease_owner="",
                leased_until=None,
            )
            _set_mirror_error(job, message)
            logger.error(
                "Fiken push job %s dead after %s attempts: %s", job.pk, job.attempts, message
            )
            return JobStatus.DEAD
        retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
        _requeue(
            job,
            ambiguous=isinstance(exc, AmbiguousFailure),
            error=message,
            delay=backoff_seconds(job.attempts, retry_after),
        )
        logger.info("Fiken push job %s will retry: %s", job.pk, message)
        return JobStatus.PENDING
    PushJob.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED,
        last_error="",
        finished_at=timezone.now(),
        lease_owner="",
        leased_until=None,
        payload={**job.payload, "result": result},
    )
    return JobStatus.SUCCEEDED


# --------------------------------------------------------------------------------------------
# Task functions
# --------------------------------------------------------------------------------------------


def default_context_factory(company: FikenCompany) -> Callable[[PushJob], PushContext]:
    from django_fiken.auth import client_for

    client = None

    def factory(job: PushJob) -> PushContext:
        nonlocal client
        if client is None:
            client = client_for(company)
        return PushContext(job=job, company=company, client=client)

    return factory


def default_time_budget() -> float:
    """How long one drain task may take new jobs: half of django-q2's task ``timeout``.

    A long backlog (hundreds of orders at 4 requests a second) would outlive the task, and
    django-q2 would kill it mid-request; instead the drain stops in time and queues its own
    continuation.
    """
    from django_q.conf import Conf

    return float(Conf.TIMEOUT or 600) / 2


def drain_company(
    company_id: int,
    *,
    context_factory: Callable[[PushJob], PushContext] | None = None,
    wait: bool = True,
    retry_failed: bool = False,
    time_budget: float | None = -1.0,
) -> dict[str, int]:
    """Run the company's due jobs in order while holding its lease (django-q2 task).

    Returns counts by final status, plus ``claimed`` (0 when another worker holds the lease).
    With ``wait``, jobs due within ``QUEUE["INLINE_WAIT_SECONDS"]`` (a coalescing window, a
    short backoff) are waited for instead of being left to the sweep. After ``time_budget``
    seconds (default :func:`default_time_budget`; ``None``: no limit) the drain hands the rest
    to a new task.
    """
    from django_fiken import outbox

    outbox.drain_started(company_id)
    owner = worker_id()
    counts: dict[str, int] = {"claimed": 0}
    if not claim_lease(company_id, owner):
        return counts
    counts["claimed"] = 1
    budget = default_time_budget() if time_budget == -1.0 else time_budget
    started = time.monotonic()
    try:
        company = FikenCompany.objects.get(pk=company_id)
        factory = context_factory or default_context_factory(company)
        counts["recovered"] = recover_orphans(company_id)
        if retry_failed:
            counts["retried"] = retry_jobs(
                PushJob.objects.filter(
                    company_id=company_id, status__in=[JobStatus.FAILED, JobStatus.DEAD]
                )
            )
        inline_wait = float(_queue("INLINE_WAIT_SECONDS")) if wait else 0.0
        while True:
            if not renew_lease(company_id, owner):
                logger.warning("Lost the Fiken push lease for company %s", company_id)
                break
            job = next_due_job(company_id)
            if job is None:
                pause = seconds_until_next(company_id)
                if pause is None or pause > inline_wait:
                    break
                time.sleep(pause + 0.05)
                continue
            status = run_job(job, factory, owner)
            counts[status] = counts.get(status, 0) + 1
            if budget is not None and time.monotonic() - started > budget:
                counts["continued"] = 1  # at least one job per task: always progress
                break
    finally:
        release_lease(company_id, owner)
    if counts.get("continued"):
        outbox.kick(company_id, force=True)  # after the release, so the next task can claim
    return counts


def sweep() -> int:
    """Hand every company with due pending (or orphaned) jobs to a drain (scheduled task)."""
    from django_fiken import outbox

    now = timezone.now()
    due = PushJob.objects.filter(
        Q(status=JobStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=JobStatus.RUNNING, leased_until__lt=now)
    )
    company_ids = sorted(set(due.values_list("company_id", flat=True)))
    for company_id in company_ids:
        outbox.kick(company_id, force=True)
    return len(company_ids)


def retry_jobs(queryset: Any) -> int:
    """Failed, dead or waiting jobs become due now (admin "retry now", ``--retry-failed``)."""
    count = 0
    now = timezone.now()
    for job in queryset.filter(status__in=[JobStatus.FAILED, JobStatus.DEAD, JobStatus.PENDING]):
        if job.status == JobStatus.PENDING:
            PushJob.objects.filter(pk=job.pk).update(next_attempt_at=now)
        else:
            _requeue(job, ambiguous=job.status == JobStatus.DEAD, error=job.last_error)
            PushJob.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(attempts=0)
        count += 1
    return count


def cancel_jobs(queryset: Any) -> int:
    """Waiting or failed jobs are closed without running (admin "cancel")."""
    return queryset.filter(status__in=[JobStatus.PENDING, JobStatus.FAILED, JobStatus.DEAD]).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now()
    )


# --------------------------------------------------------------------------------------------
# The sweep schedule
# --------------------------------------------------------------------------------------------


def install_sweep_schedule() -> tuple[Any, bool]:
    """Create or update the django-q2 schedule running :func:`sweep`; idempotent."""
    from django_q.models import Schedule

    minutes = int(_queue("SWEEP_MINUTES"))
    if minutes < 1:
        raise ValueError(f'FIKEN["QUEUE"]["SWEEP_MINUTES"] must be at least 1, got {minutes}.')
    return Schedule.objects.update_or_create(
        name=SWEEP_SCHEDULE_NAME,
        defaults={
            "func": "django_fiken.jobs.sweep",
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
            "cluster": _queue("CLUSTER"),
        },
    )


def _install_after_migrate(sender: Any, app_config: Any = None, using: str = "default", **kw: Any):
    if getattr(app_config, "label", None) != "django_fiken":
        return
    try:
        install_sweep_schedule()
    except Exception:
        logger.exception("Could not install the django-fiken outbox sweep schedule")


post_migrate.connect(_install_after_migrate, dispatch_uid="django_fiken.jobs.install_sweep")

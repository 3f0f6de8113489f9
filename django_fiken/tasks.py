"""django-q2 task functions for pulling from Fiken, and helpers that enqueue them.

Workers import these by dotted path (``django_fiken.tasks.pull_all``), so their names and
arguments are part of the public API: schedules stored in the database refer to them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from django_fiken.conf import fiken_settings
from django_fiken.models import FikenCompany

logger = logging.getLogger("django_fiken.tasks")

#: The name of the django-q2 schedule that runs :func:`pull_all`.
PULL_SCHEDULE_NAME = "django-fiken: incremental pull"


def active_companies() -> QuerySet[FikenCompany]:
    """Companies that at least one active connection reaches."""
    return FikenCompany.objects.filter(connections__is_active=True).distinct().order_by("slug")


def pull_company(slug: str, full: bool = False, only: list[str] | None = None) -> dict:
    """Pull one company (incremental unless ``full``); returns the summary as a dict."""
    from django_fiken.sync.pull import pull

    company = FikenCompany.objects.get(slug=slug)
    return pull(company, full=full, only=only).as_dict()


def pull_all(full: bool = False) -> dict[str, Any]:
    """Pull every company an active connection reaches; the scheduled task.

    One company failing (revoked token, Fiken down) does not stop the others; the task still
    fails at the end so django-q2 records the failure, with every company's error in the message.
    """
    from django_fiken.oauth.access import refresh_all_company_access
    from django_fiken.sync.pull import pull

    # Users may have granted or withdrawn companies in Fiken since the last pull.
    refresh_all_company_access()
    results: dict[str, Any] = {}
    failures: dict[str, str] = {}
    for company in active_companies():
        try:
            results[company.slug] = pull(company, full=full).as_dict()
        except Exception as exc:
            logger.exception("Pull from Fiken failed for company %s", company.slug)
            failures[company.slug] = f"{type(exc).__name__}: {exc}"
    if failures:
        details = "; ".join(f"{slug}: {error}" for slug, error in failures.items())
        raise RuntimeError(f"Pull from Fiken failed for {len(failures)} company(ies): {details}")
    return results


def refresh_objects(model_label: str, pks: list[int]) -> dict[str, int]:
    """Fetch the given mirror rows from Fiken again (the admin's "Refresh from Fiken")."""
    from django_fiken.auth import client_for
    from django_fiken.sync.pull import Counts, refresh_rows

    model = apps.get_model(model_label)
    rows = list(model.objects.filter(pk__in=pks).select_related("company"))
    total = Counts()
    for company in {row.company for row in rows}:
        client = client_for(company)
        total.add(refresh_rows(client, [row for row in rows if row.company == company]))
    return total.as_dict()


def _enqueue(func: str, *args: Any, **kwargs: Any) -> str:
    from django_q.tasks import async_task

    cluster = fiken_settings.QUEUE.get("CLUSTER")
    if cluster:
        kwargs["cluster"] = cluster
    return async_task(func, *args, **kwargs)


def enqueue_refresh(queryset: QuerySet) -> tuple[int, int]:
    """Queue a refresh of the rows in ``queryset``; returns (queued, skipped).

    Companies are refreshed by an incremental pull of the whole company; other rows are
    fetched one by one, in one task per company. Rows not yet in Fiken (no ``fiken_id``) are
    skipped.
    """
    if queryset.model is FikenCompany:
        slugs = list(queryset.values_list("slug", flat=True))
        for slug in slugs:
            _enqueue("django_fiken.tasks.pull_company", slug, task_name=f"fiken-pull-{slug}")
        return len(slugs), 0
    label = queryset.model._meta.label_lower
    skipped = queryset.filter(fiken_id__isnull=True).count()
    by_company: dict[int, list[int]] = {}
    for pk, company_id in queryset.filter(fiken_id__isnull=False).values_list("pk", "company_id"):
        by_company.setdefault(company_id, []).append(pk)
    for pks in by_company.values():
        _enqueue("django_fiken.tasks.refresh_objects", label, pks)
    return sum(len(pks) for pks in by_company.values()), skipped


def install_pull_schedule() -> tuple[Any, bool]:
    """Create or update the django-q2 schedule running :func:`pull_all`; idempotent.

    Returns ``(schedule, created)``. The interval is ``FIKEN["PULL"]["INTERVAL_MINUTES"]``;
    running it again after changing the setting updates the existing schedule.
    """
    from django_q.models import Schedule

    minutes = int(fiken_settings.PULL["INTERVAL_MINUTES"])
    if minutes < 1:
        raise ValueError(f'FIKEN["PULL"]["INTERVAL_MINUTES"] must be at least 1, got {minutes}.')
    defaults = {
        "func": "django_fiken.tasks.pull_all",
        "schedule_type": Schedule.MINUTES,
        "minutes": minutes,
        "repeats": -1,
        "cluster": fiken_settings.QUEUE.get("CLUSTER"),
    }
    return Schedule.objects.update_or_create(name=PULL_SCHEDULE_NAME, defaults=defaults)

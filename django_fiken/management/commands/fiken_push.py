"""``manage.py fiken_push``: drain the push outbox now, without a django-q2 cluster.

For cron users and for operators: runs every due job in this process, company by company,
with the same leases as the workers (a running cluster and this command never push the same
company at once). ``--dry-run`` prints what would be sent instead of sending it.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from django_fiken.jobs import drain_company, install_sweep_schedule, retry_jobs
from django_fiken.models import FikenCompany, JobStatus, PushJob
from django_fiken.sync.push import preview


class Command(BaseCommand):
    help = (
        "Push waiting jobs to Fiken now (the django-q2 workers do this continuously). "
        "Use --retry-failed to give failed and dead jobs another go, --dry-run to see the "
        "request bodies without sending anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", help="Only this company (its Fiken slug).")
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Make failed and dead jobs due again before draining.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print the jobs that are due and their JSON payloads; send nothing.",
        )
        parser.add_argument(
            "--install-schedule",
            action="store_true",
            help="Install (or update) the django-q2 sweep schedule and exit.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["install_schedule"]:
            schedule, created = install_sweep_schedule()
            verb = "Installed" if created else "Updated"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} schedule {schedule.name!r}: every {schedule.minutes} min."
                )
            )
            return
        companies = FikenCompany.objects.all()
        if options["company"]:
            companies = companies.filter(slug=options["company"])
            if not companies.exists():
                raise CommandError(f"No Fiken company with slug {options['company']!r}.")
        jobs = PushJob.objects.filter(company__in=companies)
        if options["dry_run"]:
            self._dry_run(jobs, retry_failed=options["retry_failed"])
            return
        if options["retry_failed"]:
            count = retry_jobs(jobs.filter(status__in=[JobStatus.FAILED, JobStatus.DEAD]))
            self.stdout.write(f"{count} failed or dead job(s) made due again.")
        due = jobs.filter(
            Q(status=JobStatus.PENDING, next_attempt_at__lte=timezone.now())
            | Q(status=JobStatus.RUNNING, leased_until__lt=timezone.now())
        )
        company_ids = sorted(set(due.values_list("company_id", flat=True)))
        if not company_ids:
            self.stdout.write("Nothing to push.")
            return
        failed = 0
        for company in FikenCompany.objects.filter(pk__in=company_ids).order_by("slug"):
            counts = drain_company(company.pk, wait=False, time_budget=None)
            if not counts.get("claimed"):
                self.stdout.write(f"{company.slug}: a worker is pushing this company now; skipped.")
                continue
            summary = ", ".join(
                f"{counts[s]} {s}"
                for s in (JobStatus.SUCCEEDED, JobStatus.PENDING, JobStatus.FAILED, JobStatus.DEAD)
                if counts.get(s)
            )
            self.stdout.write(f"{company.slug}: {summary or 'nothing due'}.")
            failed += counts.get(JobStatus.FAILED, 0) + counts.get(JobStatus.DEAD, 0)
        if failed:
            raise CommandError(
                f"{failed} job(s) failed; see the Fiken push jobs in the admin for Fiken's message."
            )

    def _dry_run(self, jobs: Any, *, retry_failed: bool) -> None:
        statuses = [JobStatus.PENDING]
        if retry_failed:
            statuses += [JobStatus.FAILED, JobStatus.DEAD]
        selected = (
            jobs.filter(status__in=statuses)
            .select_related("company")
            .order_by("company__slug", "created_at", "pk")
        )
        if not selected.exists():
            self.stdout.write("Nothing to push.")
            return
        for job in selected:
            self.stdout.write(
                f"# job {job.pk}: {job.kind} on {job.target_type.model} {job.target_id} "
                f"in {job.company.slug} ({job.status}, attempt {job.attempts + 1})"
            )
            body = preview(job)
            self.stdout.write(json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True))
        self.stdout.write("Dry run: nothing was sent to Fiken.")

"""``manage.py fiken_schedule``: install (or update) django-fiken's django-q2 schedules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_fiken.tasks import PULL_SCHEDULE_NAME, install_pull_schedule


class Command(BaseCommand):
    help = (
        "Install the django-q2 schedules: the incremental pull from Fiken every "
        'FIKEN["PULL"]["INTERVAL_MINUTES"] minutes, and the outbox sweep. Safe to run on '
        "every deploy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--remove", action="store_true", help="Delete the pull schedule instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remove"]:
            from django_q.models import Schedule

            deleted, _ = Schedule.objects.filter(name=PULL_SCHEDULE_NAME).delete()
            self.stdout.write(f"Removed {deleted} schedule(s) named {PULL_SCHEDULE_NAME!r}.")
            return
        installers = [install_pull_schedule]
        try:
            from django_fiken.jobs import install_sweep_schedule
        except ImportError:  # the push pipeline is optional for a pull-only site
            pass
        else:
            installers.append(install_sweep_schedule)
        for install in installers:
            try:
                schedule, created = install()
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            verb = "Installed" if created else "Updated"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} schedule {schedule.name!r}: {schedule.func} every "
                    f"{schedule.minutes} minute(s)."
                )
            )

"""``manage.py fiken_schedule``: install (or update) the django-q2 schedule for pulling."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_fiken.tasks import PULL_SCHEDULE_NAME, install_pull_schedule


class Command(BaseCommand):
    help = (
        "Install the django-q2 schedule that runs an incremental pull from Fiken every "
        'FIKEN["PULL"]["INTERVAL_MINUTES"] minutes. Safe to run on every deploy.'
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
        try:
            schedule, created = install_pull_schedule()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Installed" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} schedule {schedule.name!r}: {schedule.func} every "
                f"{schedule.minutes} minute(s)."
            )
        )

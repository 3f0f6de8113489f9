"""``manage.py fiken_sync``: pull companies, contacts, invoices... from Fiken into the mirrors."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_fiken.client.errors import FikenError
from django_fiken.conf import fiken_settings
from django_fiken.models import FikenCompany
from django_fiken.sync.pull import ORDER, PullInProgress, PullSummary, pull
from django_fiken.tasks import active_companies

COLUMNS = ("created", "updated", "unchanged", "deleted", "pages")


def companies_from_options(slug: str | None) -> list[FikenCompany]:
    """The companies a command works on: ``slug``, or every one an active connection reaches.

    A configured personal token gets its company and connection rows first, so a fresh
    single-company site works without any setup step.
    """
    from django_fiken.auth import ensure_personal_connection

    if fiken_settings.API_TOKEN and fiken_settings.COMPANY_SLUG:
        ensure_personal_connection()
    if slug:
        try:
            return [FikenCompany.objects.get(slug=slug)]
        except FikenCompany.DoesNotExist:
            known = ", ".join(FikenCompany.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No Fiken company with slug {slug!r}; known: {known}.") from None
    companies = list(active_companies())
    if not companies:
        raise CommandError(
            "No active Fiken connection: set FIKEN['API_TOKEN'] and FIKEN['COMPANY_SLUG'], "
            "or connect a Fiken account."
        )
    return companies


def describe_error(exc: Exception) -> str:
    """What went wrong, for an operator: Fiken's messages and the request id, never a token."""
    if isinstance(exc, FikenError):
        return f"Fiken answered {exc.status or 'nothing'}: {exc}"
    return str(exc)


class Command(BaseCommand):
    help = (
        "Pull data from Fiken into the mirror tables: incremental by default (what changed "
        "since the last pull), everything with --full."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", metavar="SLUG", help="Only this company (its slug).")
        parser.add_argument(
            "--full",
            action="store_true",
            help="Walk every page instead of only what changed (continues a broken full pull).",
        )
        parser.add_argument(
            "--only",
            metavar="LIST",
            help=f"Comma-separated collections to pull; any of: {', '.join(ORDER)}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = None
        if options["only"]:
            only = [part.strip() for part in options["only"].split(",") if part.strip()]
            unknown = sorted(set(only) - set(ORDER))
            if unknown:
                raise CommandError(
                    f"Unknown collection(s) in --only: {', '.join(unknown)}; "
                    f"choose from {', '.join(ORDER)}."
                )
        try:
            companies = companies_from_options(options["company"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.interactive = getattr(self.stdout, "isatty", lambda: False)()
        total = PullSummary()
        failed = []
        for company in companies:
            kind = "full" if options["full"] else "incremental"
            self.stdout.write(f"Pulling {company.slug} ({kind})")
            try:
                summary = pull(company, full=options["full"], only=only, progress=self.progress)
            except (ImproperlyConfigured, FikenError, PullInProgress) as exc:
                self.end_progress()
                message = f"{company.slug}: {describe_error(exc)}"
                self.stderr.write(self.style.ERROR(message))
                failed.append(message)
                continue
            self.end_progress()
            self.write_table(summary)
            total.merge(summary)
        if failed:
            raise CommandError(
                f"Pull failed for {len(failed)} of {len(companies)} company(ies): "
                + "; ".join(failed)
            )
        self.stdout.write(self.style.SUCCESS("Done."))

    def progress(self, collection: str, page: int, page_count: int | None) -> None:
        of = f"/{page_count}" if page_count else ""
        line = f"  {collection}: page {page}{of}"
        if self.interactive:
            self.stdout.write(f"\r{line:<60}", ending="")
            self.stdout.flush()
        else:
            self.stdout.write(line)

    def end_progress(self) -> None:
        if self.interactive:
            self.stdout.write("\r" + " " * 60 + "\r", ending="")

    def write_table(self, summary: PullSummary) -> None:
        width = max([len("collection"), *(len(name) for name in summary.collections)])
        header = "collection".ljust(width) + "".join(f"{c:>11}" for c in COLUMNS)
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, counts in summary.collections.items():
            values = counts.as_dict()
            self.stdout.write(name.ljust(width) + "".join(f"{values[c]:>11}" for c in COLUMNS))

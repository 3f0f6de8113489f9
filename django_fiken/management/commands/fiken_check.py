"""``manage.py fiken_check``: can this site reach each configured Fiken company? Says why not."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_fiken.client.errors import FikenError, ModuleNotActivated, NotFound
from django_fiken.management.commands.fiken_sync import companies_from_options, describe_error
from django_fiken.models import FikenCompany
from django_fiken.sync.pull import pull_company_record


class Command(BaseCommand):
    help = (
        "Check credentials and connectivity for each configured Fiken company: company "
        "details, API module, bank accounts and invoice numbering. Exits non-zero on failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--company", metavar="SLUG", help="Only this company (its slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            companies = companies_from_options(options["company"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        failed = [company.slug for company in companies if not self.check_company(company)]
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(companies)} Fiken company(ies) failed the check: "
                f"{', '.join(failed)}."
            )
        self.stdout.write(self.style.SUCCESS(f"All {len(companies)} company(ies) reachable."))

    def line(self, label: str, text: str, style: Any = None) -> None:
        self.stdout.write(f"  {label:<16} {style(text) if style else text}")

    def check_company(self, company: FikenCompany) -> bool:
        """Report on one company; True when it is usable."""
        from django_fiken.auth import client_for

        self.stdout.write(f"Company {company.slug}")
        try:
            client = client_for(company)
            user = client.user.get() or {}
            who = user.get("name") or user.get("email") or "unknown user"
            self.line("credentials", f"ok (token of {who})", self.style.SUCCESS)
        except (ImproperlyConfigured, FikenError) as exc:
            self.line("credentials", f"FAILED: {describe_error(exc)}", self.style.ERROR)
            return False
        try:
            pull_company_record(client, company)
        except ModuleNotActivated as exc:
            self.line(
                "API module",
                "NOT ACTIVE: Fiken says the API module is not activated for this company. "
                "Activate it in Fiken (Innstillinger → Abonnement → API) and run this again. "
                f"({describe_error(exc)})",
                self.style.ERROR,
            )
            return False
        except FikenError as exc:
            self.line("company", f"FAILED: {describe_error(exc)}", self.style.ERROR)
            return False
        org_no = company.organization_number or "no org no"
        self.line("company", f"{company.name} ({org_no}, VAT: {company.vat_type or '?'})")
        if company.test_company:
            self.line("", "this is a Fiken test company", self.style.WARNING)
        if not company.has_api_access:
            self.line("API module", "NOT ACTIVE for this company", self.style.ERROR)
            return False
        self.line("API module", "active", self.style.SUCCESS)
        scope = client.company(company.slug)
        try:
            accounts = list(scope.bank_accounts.list())
            if accounts:
                for account in accounts:
                    inactive = " (inactive)" if account.get("inactive") else ""
                    self.line(
                        "bank account",
                        f"{account.get('accountCode')} {account.get('name', '')} "
                        f"{account.get('bankAccountNumber', '')}{inactive}".rstrip(),
                    )
            else:
                self.line("bank accounts", "none: invoices need one", self.style.WARNING)
        except FikenError as exc:
            self.line("bank accounts", f"FAILED: {describe_error(exc)}", self.style.ERROR)
            return False
        try:
            counter = scope.invoices.counter() or {}
            value = counter.get("value")
            self.line("invoice counter", f"last number {value}, next {int(value) + 1}")
        except NotFound:
            self.line(
                "invoice counter",
                "not created yet: Fiken needs it before the first invoice is issued",
                self.style.WARNING,
            )
        except FikenError as exc:
            self.line("invoice counter", f"FAILED: {describe_error(exc)}", self.style.ERROR)
            return False
        return True

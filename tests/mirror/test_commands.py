"""fiken_sync, fiken_check and fiken_schedule: output an operator can read, honest exit codes."""

from __future__ import annotations

from io import StringIO

import pytest
import responses
from django.core.management import call_command
from django.core.management.base import CommandError
from django_q.models import Schedule

from django_fiken.models import FikenCompany, FikenContact
from django_fiken.tasks import PULL_SCHEDULE_NAME

from .conftest import SLUG, TOKEN, seed_contacts, seed_invoices

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_fiken_sync_pulls_and_prints_a_summary(fake):
    customers = seed_contacts(fake, 120)
    seed_invoices(fake, customers, 3)
    output = run("fiken_sync")
    assert f"Pulling {SLUG} (incremental)" in output
    assert "  contacts: page 2/2" in output  # plain progress lines when not on a terminal
    rows = [line.split() for line in output.splitlines() if line[:1].isalpha()]
    table = {row[0]: row[1:] for row in rows}
    assert table["contacts"] == ["120", "0", "0", "0", "2"]
    assert table["invoices"][0] == "3"
    assert output.rstrip().endswith("Done.")
    assert FikenContact.objects.count() == 120


def test_fiken_sync_only_and_full(fake):
    seed_contacts(fake, 2)
    output = run("fiken_sync", "--full", "--only", "contacts", "--company", SLUG)
    assert "(full)" in output
    assert "contacts" in output and "invoices" not in output


def test_fiken_sync_rejects_unknown_collections(fake):
    with pytest.raises(CommandError, match=r"Unknown collection.*bogus.*choose from"):
        run("fiken_sync", "--only", "contacts,bogus")


def test_fiken_sync_unknown_company(fake):
    with pytest.raises(CommandError, match=f"No Fiken company with slug 'nope'; known: {SLUG}"):
        run("fiken_sync", "--company", "nope")


def test_fiken_sync_reports_fiken_errors_without_the_token(fake, settings):
    settings.FIKEN = {**settings.FIKEN, "API_TOKEN": "wrong-secret-token"}
    with pytest.raises(CommandError) as raised:
        run("fiken_sync")
    message = str(raised.value)
    assert "Pull failed for 1 of 1" in message
    assert "401" in message and "request id" in message
    assert "wrong-secret-token" not in message


def test_fiken_sync_without_any_connection(db, settings):
    settings.FIKEN = {**settings.FIKEN, "API_TOKEN": None}
    with pytest.raises(CommandError, match="No active Fiken connection"):
        run("fiken_sync")


def test_fiken_check_reports_a_healthy_company(fake):
    output = run("fiken_check")
    assert f"Company {SLUG}" in output
    assert "Fiken Demo AS (923609016" in output
    assert "API module" in output and "active" in output
    assert "1920:10001" in output and "12345678903" in output
    assert "last number 10000, next 10001" in output
    assert "All 1 company(ies) reachable." in output
    assert FikenCompany.objects.get(slug=SLUG).name == "Fiken Demo AS"


def test_fiken_check_says_when_the_counter_is_missing(fake):
    fake.store(SLUG).counters["invoice"] = None
    output = run("fiken_check")
    assert "not created yet" in output


def test_fiken_check_fails_when_the_api_module_is_off(fake):
    fake.store(SLUG).company["hasApiAccess"] = False
    with pytest.raises(CommandError, match="1 of 1 Fiken company"):
        run("fiken_check")


def test_fiken_check_explains_module_not_activated(company, fast_client):
    base = "https://api.fiken.no/api/v2"
    with responses.RequestsMock() as mocked:
        mocked.get(f"{base}/user", json={"name": "Kari", "email": "kari@example.com"})
        mocked.get(
            f"{base}/companies/{SLUG}",
            status=403,
            json=[{"message": "The API module is not activated for this company"}],
        )
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("fiken_check", stdout=out)
    assert "NOT ACTIVE" in out.getvalue()
    assert "Activate it in Fiken" in out.getvalue()
    company.refresh_from_db()
    assert company.has_api_access is False


def test_fiken_check_bad_token(fake, settings):
    settings.FIKEN = {**settings.FIKEN, "API_TOKEN": "not-" + TOKEN}
    out = StringIO()
    with pytest.raises(CommandError, match="failed the check"):
        call_command("fiken_check", stdout=out)
    assert "credentials" in out.getvalue() and "FAILED" in out.getvalue()
    assert "not-" + TOKEN not in out.getvalue()


def test_fiken_schedule_is_idempotent(db, settings):
    first = run("fiken_schedule")
    second = run("fiken_schedule")
    assert f"Installed schedule '{PULL_SCHEDULE_NAME}'" in first
    assert f"Updated schedule '{PULL_SCHEDULE_NAME}'" in second
    assert Schedule.objects.filter(name=PULL_SCHEDULE_NAME).count() == 1
    settings.FIKEN = {**settings.FIKEN, "PULL": {"INTERVAL_MINUTES": 5}}
    run("fiken_schedule")
    schedule = Schedule.objects.get(name=PULL_SCHEDULE_NAME)
    assert schedule.minutes == 5
    assert schedule.func == "django_fiken.tasks.pull_all"
    assert "django_fiken.jobs.sweep" in second
    run("fiken_schedule", "--remove")
    assert not Schedule.objects.filter(name=PULL_SCHEDULE_NAME).exists()


class Terminal(StringIO):
    def isatty(self):
        return True


def test_fiken_sync_redraws_one_progress_line_on_a_terminal(fake):
    seed_contacts(fake, 150)
    out = Terminal()
    call_command("fiken_sync", "--only", "contacts", stdout=out)
    output = out.getvalue()
    assert "\r  contacts: page 1/2" in output and "\r  contacts: page 2/2" in output
    assert "\n  contacts: page" not in output  # no line per page on a terminal


def test_fiken_sync_reports_a_pull_already_running(fake, company):
    from django_fiken.sync.pull import pull_lock

    with pull_lock(company), pytest.raises(CommandError, match="being pulled by another"):
        run("fiken_sync")

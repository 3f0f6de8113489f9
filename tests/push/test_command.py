"""`manage.py fiken_push`: drain now, retry failed jobs, dry run, one company."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from django_fiken.models import JobStatus, PushJob
from tests.push.conftest import SLUG
from tests.testapp.models import Customer


def run(*args: str) -> str:
    out = StringIO()
    call_command("fiken_push", *args, stdout=out)
    return out.getvalue()


def test_drain_now(fake, company):
    Customer.objects.create(name="Kari")
    output = run()
    assert f"{SLUG}: 1 succeeded." in output
    assert len(fake.store(SLUG).contacts) == 1
    assert run() == "Nothing to push.\n"


def test_dry_run_prints_the_body_and_sends_nothing(fake, company):
    customer = Customer.objects.create(name="Kari", email="kari@example.no")
    output = run("--dry-run")
    body = json.loads(output[output.index("{") : output.rindex("}") + 1])
    assert body == {
        "contact": {
            "customer": True,
            "email": "kari@example.no",
            "memberNumberString": f"customer-{customer.pk}",
            "name": "Kari",
        }
    }
    assert "nothing was sent" in output
    assert fake.stats.calls() == []
    assert PushJob.objects.get().status == JobStatus.PENDING


def test_retry_failed(fake, company):
    Customer.objects.create(name="Kari")
    PushJob.objects.update(status=JobStatus.FAILED, last_error="earlier 400")
    assert run() == "Nothing to push.\n"
    output = run("--retry-failed")
    assert "1 failed or dead job(s) made due again." in output
    assert PushJob.objects.get().status == JobStatus.SUCCEEDED


def test_failures_make_the_command_fail(fake, company):
    fake.faults.fail_next(status=400, method="POST", path_regex=r"/contacts$")
    Customer.objects.create(name="Kari")
    with pytest.raises(CommandError, match="1 job\\(s\\) failed"):
        run()


def test_unknown_company(company):
    with pytest.raises(CommandError, match="No Fiken company with slug 'nope'"):
        run("--company", "nope")


def test_install_schedule_is_idempotent(company):
    from django_q.models import Schedule

    run("--install-schedule")
    run("--install-schedule")
    schedule = Schedule.objects.get(name="django-fiken outbox sweep")
    assert schedule.func == "django_fiken.jobs.sweep"
    assert schedule.minutes == 1

"""The django-q2 task functions behind the schedule and the admin's refresh action."""

from __future__ import annotations

import pytest

from django_fiken.models import FikenCompany, FikenConnection, FikenContact
from django_fiken.sync.pull import pull
from django_fiken.tasks import pull_all, pull_company, refresh_objects

from .conftest import SLUG, seed_contacts

pytestmark = pytest.mark.django_db


def test_pull_all_pulls_every_active_company(fake, company):
    seed_contacts(fake, 4)
    result = pull_all()
    assert result[SLUG]["contacts"]["created"] == 4
    assert FikenContact.objects.count() == 4


def test_pull_all_keeps_going_and_then_fails_loudly(fake, company):
    broken = FikenCompany.objects.create(slug="not-granted-as")
    FikenConnection.objects.create(company=broken, kind="personal")
    seed_contacts(fake, 2)
    with pytest.raises(RuntimeError, match="not-granted-as"):
        pull_all()
    assert FikenContact.objects.filter(company=company).count() == 2


def test_pull_company_task_returns_a_plain_summary(fake, company):
    seed_contacts(fake, 1)
    summary = pull_company(SLUG, only=["contacts"])
    assert summary == {
        "contacts": {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0, "pages": 1}
    }


def test_refresh_objects_fetches_the_rows_again(fake, company):
    (contact,) = seed_contacts(fake, 1)
    pull(company, full=True, only=["contacts"])
    mirrored = FikenContact.objects.get(fiken_id=contact["contactId"])
    fake.store(SLUG).contacts[contact["contactId"]]["name"] = "Renamed in Fiken"
    fake.reset_stats()
    result = refresh_objects("django_fiken.fikencontact", [mirrored.pk])
    assert result["updated"] == 1
    mirrored.refresh_from_db()
    assert mirrored.name == "Renamed in Fiken"
    assert len(fake.stats.calls("GET", rf"/contacts/{contact['contactId']}$")) == 1


def test_refresh_marks_rows_fiken_no_longer_has(fake, company):
    (contact,) = seed_contacts(fake, 1)
    pull(company, full=True, only=["contacts"])
    del fake.store(SLUG).contacts[contact["contactId"]]
    mirrored = FikenContact.objects.get(fiken_id=contact["contactId"])
    assert refresh_objects("django_fiken.fikencontact", [mirrored.pk])["deleted"] == 1
    mirrored.refresh_from_db()
    assert mirrored.deleted_in_fiken


def test_one_pull_per_company_at_a_time(fake, company):
    from django.core.cache import cache

    from django_fiken.sync.pull import PullInProgress, pull_lock

    with pull_lock(company), pytest.raises(PullInProgress, match="another process"):
        pull(company)
    assert cache.get(f"django-fiken:pull-lock:{company.pk}") is None  # released
    seed_contacts(fake, 1)
    assert pull(company, only=["contacts"])["contacts"].created == 1

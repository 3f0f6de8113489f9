"""A host save whose transaction rolls back must not poison the next saves' jobs.

The outbox remembers each company's primary key per process so a host save costs two
statements. The first save of a fresh site creates the company inside the host's transaction;
if that transaction rolls back, the company row is gone, and a remembered key would make every
later save write its PushJob against a missing company: the foreign key fails, the outbox logs
it, and the job is lost.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from django_fiken import outbox
from django_fiken.models import FikenCompany, PushJob
from tests.testapp.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


def test_company_created_in_a_rolled_back_save_is_not_remembered():
    outbox.forget_companies()
    with pytest.raises(Rollback), transaction.atomic():
        Customer.objects.create(name="Kari Nordmann")
        assert FikenCompany.objects.exists()
        raise Rollback
    assert not FikenCompany.objects.exists()

    customer = Customer.objects.create(name="Ola Nordmann")

    job = PushJob.objects.get(host_id=str(customer.pk))
    assert job.company.slug == "fiken-demo-as"

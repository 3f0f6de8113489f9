"""Volume: 10,000 contacts and 10,000 invoices listed in pages of 100 (sampled validation)."""

from __future__ import annotations

import requests
from django.conf import settings

from django_fiken.testing import FakeFiken, seed_demo

from .conftest import COMPANY, TOKEN

COUNT = 10_000


def test_listing_ten_thousand_contacts_and_invoices_page_by_page():
    fake = FakeFiken(
        spec_path=settings.FIKEN["OPENAPI_SPEC"], rate_limit=None, validate_responses="sample"
    )
    seed_demo(fake, token=TOKEN)
    line = [{"quantity": 1, "unitPrice": 10000, "vatType": "HIGH", "description": "Vare"}]
    for i in range(COUNT):
        contact = fake.add_contact("fiken-demo-as", name=f"Kunde {i}", customer=True)
        fake.add_invoice("fiken-demo-as", contact["contactId"], line, issue_date="2024-01-02")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    with fake.mock():
        for collection, id_field in (("contacts", "contactId"), ("invoices", "invoiceId")):
            seen: set[int] = set()
            for page in range(COUNT // 100):
                response = session.get(
                    f"{COMPANY}/{collection}", params={"page": page, "pageSize": 100}
                )
                assert response.headers["Fiken-Api-Page-Count"] == "100"
                assert response.headers["Fiken-Api-Result-Count"] == str(COUNT)
                seen.update(item[id_field] for item in response.json())
            assert len(seen) == COUNT, collection
    assert fake.stats.total_requests == 2 * COUNT // 100
    fake.assert_no_violations()

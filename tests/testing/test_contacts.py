"""Contacts: CRUD, contact persons, Fiken's filters, pagination and 201 + Location."""

from __future__ import annotations

from datetime import date

import requests

from .conftest import API, COMPANY, TOKEN, location_id, make_fake, new_contact


def test_create_answers_201_with_empty_body_and_absolute_location(fake, api):
    response = api.post(f"{COMPANY}/contacts", json={"name": "Ola", "customer": True})
    assert response.status_code == 201
    assert response.content == b""
    contact_id = location_id(response)
    assert response.headers["Location"] == f"{COMPANY}/contacts/{contact_id}"
    stored = fake.store("fiken-demo-as").contacts[contact_id]
    assert stored["name"] == "Ola"
    assert stored["customerAccountCode"] == f"1500:{stored['customerNumber']}"


def test_get_hides_write_only_fields_but_filters_on_them(fake, api):
    contact_id = new_contact(api, memberNumberString="shop-17", phoneNumber="99999999")
    body = api.get(f"{COMPANY}/contacts/{contact_id}").json()
    assert body["contactId"] == contact_id
    assert "memberNumberString" not in body and "phoneNumber" not in body
    found = api.get(f"{COMPANY}/contacts", params={"memberNumberString": "shop-17"}).json()
    assert [c["contactId"] for c in found] == [contact_id]
    assert api.get(f"{COMPANY}/contacts", params={"memberNumberString": "nope"}).json() == []


def test_update_replaces_fields_and_keeps_identity(fake, api):
    contact_id = new_contact(api, memberNumberString="m-1")
    response = api.put(
        f"{COMPANY}/contacts/{contact_id}", json={"name": "Kari Hansen", "customer": True}
    )
    assert response.status_code == 200
    assert response.headers["Location"].endswith(f"/contacts/{contact_id}")
    body = api.get(f"{COMPANY}/contacts/{contact_id}").json()
    assert body["name"] == "Kari Hansen" and "email" not in body
    # The write-only member number survives an update that does not mention it.
    assert api.get(f"{COMPANY}/contacts", params={"memberNumberString": "m-1"}).json()


def test_delete_unused_contact_then_404(fake, api):
    contact_id = new_contact(api)
    assert api.delete(f"{COMPANY}/contacts/{contact_id}").status_code == 204
    assert api.get(f"{COMPANY}/contacts/{contact_id}").status_code == 404


def test_delete_contact_with_invoice_only_deactivates(fake, api):
    from .conftest import new_invoice

    contact_id = new_contact(api)
    new_invoice(api, contact_id)
    response = api.delete(f"{COMPANY}/contacts/{contact_id}")
    assert response.status_code == 200
    assert response.json()["inactive"] is True


def test_contact_persons_crud(fake, api):
    contact_id = new_contact(api)
    base = f"{COMPANY}/contacts/{contact_id}/contactPerson"
    created = api.post(base, json={"name": "Per", "email": "per@example.com"})
    assert created.status_code == 200  # the spec says 200 for this create
    person_id = location_id(created)
    assert api.get(base).json()[0]["contactPersonId"] == person_id
    api.put(f"{base}/{person_id}", json={"name": "Per Olsen", "email": "per@example.com"})
    assert api.get(f"{base}/{person_id}").json()["name"] == "Per Olsen"
    assert api.delete(f"{base}/{person_id}").status_code == 204
    assert api.get(base).json() == []


def test_filters_name_email_organization_number_customer(fake, api):
    a = new_contact(api, name="Alpha AS", email="a@a.no", organizationNumber="111111111")
    b = new_contact(api, name="Beta AS", email="b@b.no", customer=False, supplier=True)

    def ids(**params):
        return [c["contactId"] for c in api.get(f"{COMPANY}/contacts", params=params).json()]

    assert ids(name="Alpha AS") == [a]
    assert ids(email="b@b.no") == [b]
    assert ids(organizationNumber="111111111") == [a]
    assert ids(customer="true") == [a]
    assert ids(supplier="true") == [b]


def test_last_modified_filters_follow_changes():
    today = {"value": date(2024, 1, 1)}
    fake = make_fake(today=lambda: today["value"])
    api_session = requests.Session()
    api_session.headers["Authorization"] = f"Bearer {TOKEN}"
    with fake.mock():
        old = new_contact(api_session, name="Old")
        touched = new_contact(api_session, name="Touched")
        today["value"] = date(2024, 3, 1)
        api_session.put(f"{COMPANY}/contacts/{touched}", json={"name": "Touched again"})

        def ids(**params):
            response = api_session.get(f"{COMPANY}/contacts", params=params)
            return [c["contactId"] for c in response.json()]

        assert ids(lastModifiedGe="2024-02-01") == [touched]
        assert ids(lastModifiedLt="2024-02-01") == [old]
        assert ids(lastModifiedLe="2024-03-01") == [old, touched]
        assert ids(lastModifiedGt="2024-03-01") == []
        assert ids(lastModified="2024-01-01") == [old]
        assert ids(createdDateGe="2024-01-01", createdDateLe="2024-01-01") == [old, touched]
    fake.assert_no_violations()


def test_pagination_headers_and_pages(fake, api):
    for i in range(7):
        fake.add_contact("fiken-demo-as", name=f"Kunde {i}")
    response = api.get(f"{COMPANY}/contacts", params={"page": 1, "pageSize": 3})
    assert response.status_code == 200
    assert [c["name"] for c in response.json()] == ["Kunde 3", "Kunde 4", "Kunde 5"]
    assert response.headers["Fiken-Api-Page"] == "1"
    assert response.headers["Fiken-Api-Page-Size"] == "3"
    assert response.headers["Fiken-Api-Page-Count"] == "3"
    assert response.headers["Fiken-Api-Result-Count"] == "7"
    default = api.get(f"{COMPANY}/contacts")
    assert default.headers["Fiken-Api-Page-Size"] == "25"
    beyond = api.get(f"{COMPANY}/contacts", params={"page": 9, "pageSize": 3})
    assert beyond.json() == []


def test_page_size_above_100_is_a_recorded_violation(api):
    fake = make_fake()
    with fake.mock():
        response = api.get(f"{COMPANY}/contacts", params={"pageSize": 101})
    assert response.status_code == 400
    assert "pageSize" in response.text
    assert len(fake.violations) == 1


def test_request_id_is_echoed_or_made_up(fake, api):
    sent = api.get(f"{COMPANY}/contacts", headers={"X-Request-ID": "abc-123"})
    assert sent.headers["X-Request-ID"] == "abc-123"
    made_up = api.get(f"{COMPANY}/contacts")
    assert len(made_up.headers["X-Request-ID"]) == 36
    logged = fake.stats.calls("GET", r"/contacts$")
    assert logged[0].request_id == "abc-123"


def test_user_and_companies(fake, api):
    assert api.get(f"{API}/user").json()["email"]
    companies = api.get(f"{API}/companies").json()
    assert [c["slug"] for c in companies] == ["fiken-demo-as"]
    assert api.get(COMPANY).json()["name"] == "Fiken Demo AS"


def test_groups_and_products(fake, api):
    new_contact(api, groups=["vip", "b2b"])
    assert api.get(f"{COMPANY}/groups").json() == ["b2b", "vip"]
    product = {
        "name": "Garn",
        "incomeAccount": "3000",
        "vatType": "HIGH",
        "active": True,
        "unitPrice": 5000,
        "productNumber": "G-1",
    }
    product_id = location_id(api.post(f"{COMPANY}/products", json=product))
    assert (
        api.get(f"{COMPANY}/products", params={"productNumber": "G-1"}).json()[0]["productId"]
        == product_id
    )

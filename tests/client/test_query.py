"""Keyword filters become the spec's query parameters, in the spec's formats."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest

from .conftest import company_url


def sent_query(mocked) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(mocked.calls[-1].request.url).query))


def test_snake_case_filters_use_the_wire_names_and_formats(company, mocked):
    mocked.get(company_url("/invoices"), json=[])
    draft_uuid = uuid.uuid4()
    company.invoices.list(
        last_modified_ge=dt.date(2024, 3, 1),
        issue_date_lt=dt.datetime(2024, 4, 2, 23, 59),
        settled=False,
        customer_id=17,
        order_reference="order-42",
        invoice_draft_uuid=draft_uuid,
        invoice_number=None,
    ).page(0)
    assert sent_query(mocked) == {
        "lastModifiedGe": "2024-03-01",
        "issueDateLt": "2024-04-02",
        "settled": "false",
        "customerId": "17",
        "orderReference": "order-42",
        "invoiceDraftUuid": str(draft_uuid),
        "page": "0",
        "pageSize": "100",
    }


def test_contacts_member_number_string_and_sort(company, mocked):
    mocked.get(company_url("/contacts"), json=[])
    company.contacts.list(member_number_string="shop-17", sort_by="lastModified desc").page(0)
    query = sent_query(mocked)
    assert query["memberNumberString"] == "shop-17"
    assert query["sortBy"] == "lastModified desc"


def test_datetime_parameters_keep_the_time(company, mocked):
    mocked.get(company_url("/timeEntries"), json=[])
    since = dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)
    company.time_entries.list(last_modified_ge=since).page(0)
    assert sent_query(mocked)["lastModifiedGe"] == "2024-05-01T08:30:00+00:00"


def test_required_filters_of_single_gets(company, mocked):
    mocked.get(company_url("/accountBalances/1920"), json={"code": "1920", "balance": 100})
    assert company.account_balances.get("1920", date=dt.date(2024, 1, 31))["balance"] == 100
    assert sent_query(mocked) == {"date": "2024-01-31"}
    with pytest.raises(TypeError, match="getAccountBalances needs date"):
        company.account_balances.list()


def test_unknown_filter_names_the_known_ones(company):
    with pytest.raises(TypeError) as excinfo:
        company.contacts.list(memberNumberString="shop-17")
    message = str(excinfo.value)
    assert "getContacts does not take memberNumberString" in message
    assert "member_number_string" in message


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"settled": "yes"}, "expects True or False"),
        ({"customer_id": "17"}, "expects an integer"),
        ({"issue_date": "31.01.2024"}, "expects a date"),
        ({"invoice_draft_uuid": "not-a-uuid"}, "expects a UUID"),
    ],
)
def test_wrong_value_types_are_refused_clearly(company, filters, expected):
    with pytest.raises(TypeError, match=expected):
        company.invoices.list(**filters)


def test_enum_values_are_checked(company):
    with pytest.raises(TypeError, match="one of 'lastModified asc'"):
        company.contacts.list(sort_by="name asc")


def test_path_parameters_are_escaped(company, mocked):
    mocked.get(company_url("/accounts/1500%3A10001"), json={"code": "1500:10001"})
    assert company.accounts.get("1500:10001") == {"code": "1500:10001"}

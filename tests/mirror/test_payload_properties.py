"""Whatever JSON Fiken sends, a pull stores it whole and never fails on it (property tests)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_fiken.models import FikenCompany
from django_fiken.sync.payload import to_decimal, to_int, to_ore
from django_fiken.sync.pull import upsert
from django_fiken.sync.pull_sources import SOURCES

# Text without NUL (PostgreSQL's jsonb cannot store "\u0000") or lone surrogates (not UTF-8).
# Floats within a range Fiken could plausibly send: jsonb rewrites 1e308 as a 309-digit integer.
letters = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
    | st.text(letters, max_size=300)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(letters, max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)

KNOWN_KEYS = {
    "contacts": ["name", "email", "customerNumber", "inactive", "createdDate", "contactPerson"],
    "invoices": [
        "invoiceNumber",
        "issueDate",
        "net",
        "gross",
        "lines",
        "customer",
        "sale",
        "dispatches",
        "associatedCreditNotes",
        "invoiceDraftUuid",
        "currency",
    ],
    "products": ["name", "unitPrice", "stock", "active", "lastModifiedDate"],
    "bank_accounts": ["accountCode", "reconciledBalance", "reconciledDate", "inactive"],
}


def payloads(collection: str):
    source = SOURCES[collection]
    known = st.fixed_dictionaries(
        {source.id_key: st.integers(1, 50)},
        optional={key: json_values for key in KNOWN_KEYS[collection]},
    )
    extra = st.dictionaries(st.sampled_from(["unheardOf", "x", "meta"]), json_values, max_size=2)
    return st.builds(lambda k, e: {**e, **k}, known, extra)


@pytest.mark.django_db
@pytest.mark.parametrize("collection", sorted(KNOWN_KEYS))
def test_any_payload_is_stored_whole(collection):
    company = FikenCompany.objects.create(slug=f"prop-{collection}")
    source = SOURCES[collection]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payload=payloads(collection))
    def check(payload):
        upsert(source, company, [payload], now=timezone.now())
        row = source.model.objects.get(company=company, fiken_id=payload[source.id_key])
        assert row.fiken_data == payload
        for field in ("net", "vat", "gross", "unit_price", "reconciled_balance"):
            value = getattr(row, field, None)
            assert value is None or type(value) is int

    check()


@given(st.integers() | st.floats() | st.text() | st.none() | st.booleans())
def test_coercion_never_raises_and_fits_the_columns(value):
    number = to_int(value)
    assert number is None or -(2**63) <= number < 2**63
    assert type(to_ore(value)) is int
    small = to_int(value, bits=32)
    assert small is None or -(2**31) <= small < 2**31
    decimal = to_decimal(value)
    assert decimal is None or abs(decimal) < 10**10

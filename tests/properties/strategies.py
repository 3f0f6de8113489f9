"""Hypothesis strategies for host data: plausible values, edge cases and plain junk.

A shop's adapter fills ``ContactData``/``InvoiceData`` from its own models, so any type may turn
up where a string or an amount belongs (a ``None`` from a nullable column, a ``Decimal`` price,
an integer phone number). Each field draws from "good", "nearly good" and "wrong type" values.
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from django_fiken import adapters
from django_fiken.validation import SALES_VAT_TYPES, SEND_METHODS

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
    st.binary(max_size=4),
    st.lists(st.integers(), max_size=2),
    st.dates(),
)
short_text = st.text(max_size=12)
long_text = st.text(min_size=190, max_size=600)
any_text = st.one_of(short_text, long_text)


@st.composite
def organization_numbers(draw) -> str:
    """Valid Norwegian organization numbers (mod-11 check digit)."""
    while True:
        digits = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
        remainder = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
        check = 0 if remainder == 0 else 11 - remainder
        if check != 10:
            return "".join(map(str, digits)) + str(check)


emails = st.one_of(
    st.emails(),
    st.builds(lambda a, b: f"{a}@{b}.no", st.text("abc.-_", min_size=1, max_size=250), short_text),
)
account_codes = st.one_of(
    st.sampled_from(["3000", "1920", "1920:10001", "3100"]),
    st.from_regex(r"\A\d{4}(:\d{5})?\Z"),
)
good_names = st.text(min_size=1, max_size=200).filter(str.strip)

addresses = st.builds(
    adapters.AddressData,
    street_address=any_text,
    street_address_line2=short_text,
    post_code=short_text,
    city=any_text,
    country=st.one_of(st.just("Norge"), short_text),
)

contacts = st.builds(
    adapters.ContactData,
    name=st.one_of(good_names, any_text, junk),
    email=st.one_of(st.just(""), emails, short_text, junk),
    organization_number=st.one_of(
        st.just(""), organization_numbers(), st.text("0123456789", max_size=11), junk
    ),
    phone_number=st.one_of(st.just(""), st.text("+0123456789 ", max_size=24), junk),
    address=st.one_of(st.none(), addresses),
    currency=st.one_of(st.just(""), st.sampled_from(["NOK", "EUR", "SEK"]), short_text, junk),
    language=st.one_of(st.just(""), st.sampled_from(["Norwegian", "English"]), short_text, junk),
    days_until_due=st.one_of(st.none(), st.integers(-5, 400), junk),
)

good_contacts = st.builds(
    adapters.ContactData,
    name=good_names,
    email=st.one_of(st.just(""), st.emails().filter(lambda e: len(e) <= 200)),
    organization_number=st.one_of(st.just(""), organization_numbers()),
    phone_number=st.text("+0123456789 ", max_size=20),
    address=st.one_of(
        st.none(),
        st.builds(adapters.AddressData, street_address=short_text, city=short_text),
    ),
    currency=st.sampled_from(["", "NOK", "EUR"]),
    days_until_due=st.one_of(st.none(), st.integers(0, 365)),
)

ore = st.one_of(st.integers(0, 10**9), st.integers(-(10**25), 10**25))
quantities = st.one_of(
    st.integers(-2, 1000),
    st.decimals(min_value=-1, max_value=10**6, places=3),
    junk,
)
lines = st.builds(
    adapters.InvoiceLineData,
    description=st.one_of(good_names, any_text, junk),
    unit_price=st.one_of(ore, junk),
    quantity=quantities,
    vat_type=st.one_of(st.sampled_from(sorted(SALES_VAT_TYPES)), short_text, junk),
    income_account=st.one_of(account_codes, short_text, junk),
    comment=st.one_of(st.just(""), any_text),
)
good_lines = st.builds(
    adapters.InvoiceLineData,
    description=st.text(min_size=1, max_size=200).filter(str.strip),
    unit_price=st.integers(0, 10**9),
    quantity=st.one_of(
        st.integers(1, 1000), st.decimals(min_value="0.001", max_value=1000, places=3)
    ),
    vat_type=st.sampled_from(sorted(SALES_VAT_TYPES)),
    income_account=st.sampled_from(["3000", "3100"]),
    comment=st.text(max_size=200),
)

issue_dates = st.one_of(
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.datetimes(),
    st.dates().map(str),
    junk,
)
send_methods = st.lists(st.one_of(st.sampled_from(sorted(SEND_METHODS)), short_text), max_size=3)


def invoices(customer, line_strategy=lines) -> st.SearchStrategy[adapters.InvoiceData]:
    """``InvoiceData`` for ``customer`` (a saved host object with a contact adapter)."""
    return st.builds(
        adapters.InvoiceData,
        customer=st.one_of(st.just(customer), st.just(customer), st.none(), junk),
        lines=st.lists(line_strategy, max_size=3),
        issue_date=issue_dates,
        days_until_due=st.one_of(st.integers(0, 120), st.integers(-(10**12), 10**12), junk),
        currency=st.one_of(st.just("NOK"), short_text, junk),
        bank_account=st.one_of(st.none(), account_codes, short_text),
        invoice_text=st.one_of(st.just(""), any_text),
        your_reference=any_text,
        our_reference=any_text,
        cash_payment_account=st.one_of(st.none(), account_codes, short_text),
    )


def good_invoices(customer) -> st.SearchStrategy[adapters.InvoiceData]:
    return st.builds(
        adapters.InvoiceData,
        customer=st.just(customer),
        lines=st.lists(good_lines, min_size=1, max_size=3),
        issue_date=st.dates(
            min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)
        ),
        days_until_due=st.integers(0, 120),
        currency=st.sampled_from(["NOK", "EUR"]),
        bank_account=st.one_of(st.none(), st.just("1920:10001")),
        invoice_text=st.text(max_size=500),
        your_reference=short_text,
        our_reference=short_text,
        cash_payment_account=st.one_of(st.none(), st.just("1920:10001")),
    )

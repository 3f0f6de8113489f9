"""Line amounts are integer øre: gross = net + VAT, VAT rounded half up from the vat type."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from django_fiken.testing import FakeFiken, FakeRequest
from django_fiken.testing.handlers.base import Context
from django_fiken.testing.handlers.lines import priced_line, totals

RATES = {"HIGH": 25, "MEDIUM": 15, "LOW": 12, "NONE": 0, "EXEMPT": 0, "OUTSIDE": 0}


def _context() -> Context:
    fake = FakeFiken(validate=False)
    store = fake.add_company("acme-as")
    return Context(fake, FakeRequest("POST", "api", "/"), None, {}, store)


CTX = _context()


@settings(max_examples=200, deadline=None)
@given(
    unit_price=st.integers(0, 10_000_000),
    quantity=st.integers(1, 1000),
    vat_type=st.sampled_from(sorted(RATES)),
    discount=st.sampled_from([0, 10, 25, 50]),
)
def test_line_amounts_are_integer_ore(unit_price, quantity, vat_type, discount):
    line = priced_line(
        CTX,
        {"unitPrice": unit_price, "quantity": quantity, "vatType": vat_type, "discount": discount},
    )
    assert all(isinstance(line[k], int) for k in ("net", "vat", "gross"))
    exact_net = Decimal(unit_price * quantity) * (100 - discount) / 100
    assert line["net"] == int(exact_net.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    expected_vat = (Decimal(line["net"]) * RATES[vat_type] / 100).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    assert line["vat"] == int(expected_vat)
    assert line["gross"] == line["net"] + line["vat"]
    assert totals([line, line])["gross"] == 2 * line["gross"]

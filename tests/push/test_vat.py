"""The VAT arithmetic that checks credit notes before Fiken and builds exact remainders."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_fiken import vat
from django_fiken.testing.handlers.lines import priced_line

VAT_TYPES = ["HIGH", "MEDIUM", "LOW", "RAW_FISH", "EXEMPT", "OUTSIDE", "NONE"]


@given(gross=st.integers(min_value=1, max_value=10**9), vat_type=st.sampled_from(VAT_TYPES))
def test_lines_for_a_gross_amount_add_up_to_it_exactly(gross, vat_type):
    nets = vat.nets_for_gross(gross, vat_type)
    assert 1 <= len(nets) <= 2 and all(net > 0 for net in nets)
    assert sum(net + vat.vat_on(net, vat_type) for net in nets) == gross


@given(
    unit_price=st.integers(min_value=0, max_value=10**8),
    quantity=st.integers(min_value=1, max_value=50),
    vat_type=st.sampled_from(VAT_TYPES),
)
def test_line_gross_is_what_the_fake_fiken_computes(unit_price, quantity, vat_type):
    line = {"unitPrice": unit_price, "quantity": quantity, "vatType": vat_type}
    assert vat.line_gross(unit_price, quantity, vat_type) == priced_line(None, line)["gross"]


@pytest.mark.parametrize(
    ("gross", "nets"),
    [(0, []), (-5, []), (1, [1]), (2, [1, 1]), (3, [2]), (12500, [10000])],
)
def test_nets_for_gross_at_25_percent(gross, nets):
    assert vat.nets_for_gross(gross, "HIGH") == nets


def test_payload_lines_gross():
    lines = [
        {"description": "a", "unit_price": 19900, "quantity": 2, "vat_type": "HIGH"},
        {"description": "b", "unit_price": 1000, "vat_type": "EXEMPT"},
    ]
    assert vat.lines_gross(lines) == 49750 + 1000

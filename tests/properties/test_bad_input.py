"""Any host data becomes either a request Fiken's spec accepts or a clear ValidationError.

Adapters hand django-fiken whatever the shop's models hold. Whatever that is, validation must
either pass, and then the request body built from the data validates against Fiken's OpenAPI
spec (checked by sending it through the real client to the fake Fiken, which validates every
request and records each violation), or raise :class:`~django_fiken.validation.ValidationError`
naming each bad field with a message. Never another exception, never a body of the wrong shape.
Fiken may still refuse a well-shaped request for its own reasons (an unknown ``customerId``);
only spec violations count here.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_fiken import adapters, validation
from django_fiken.client import FikenClient, FikenError, StaticTokenProvider
from django_fiken.outbox import contact_payload, invoice_payload
from django_fiken.sync import push
from django_fiken.testing import FakeFiken
from django_fiken.validation import ValidationError
from tests.properties import strategies as hs
from tests.testapp.models import Customer, Order

SLUG = "egenskap-as"
TOKEN = "property-token"
# One fake and client per test function (hypothesis runs every example inside it); examples
# only add records to the fake, which no assertion depends on.
EXAMPLES = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def fiken():
    fake = FakeFiken(spec_path=django_settings.FIKEN["OPENAPI_SPEC"], rate_limit=None)
    fake.add_company(SLUG)
    fake.add_bank_account(SLUG, account_code="1920:10001")
    fake.add_personal_token(TOKEN, companies=[SLUG])
    fake.initialise_counters(SLUG)
    client = FikenClient(
        StaticTokenProvider(TOKEN), base_url=fake.api_base, rate_limit=1000, max_retries=0
    )
    with fake.mock():
        customer_id = client.company(SLUG).contacts.create({"name": "Kunde", "customer": True})
        yield SimpleNamespace(fake=fake, api=client.company(SLUG), customer_id=customer_id)


@pytest.fixture
def customer(db):
    return Customer.objects.create(name="Kari Nordmann", email="kari@example.no")


def assert_clear(error: ValidationError) -> None:
    """Every field named, every problem a sentence an operator can read."""
    assert error.errors, "a ValidationError must name at least one field"
    for field, problems in error.errors.items():
        assert isinstance(field, str) and field.strip()
        assert problems and all(isinstance(p, str) and p.strip() for p in problems), problems
    assert error.summary() and str(error) == error.summary()


def assert_spec_accepts(fiken, send) -> None:
    before = len(fiken.fake.violations)
    # Refused for Fiken's own reasons is fine; a request of the wrong shape is recorded.
    with contextlib.suppress(FikenError):
        send()
    violations = [str(v) for v in fiken.fake.violations[before:]]
    assert not violations, violations


class GeneratedInvoice(adapters.InvoiceAdapter):
    """An adapter returning whatever the example drew."""

    def __init__(self, data: adapters.InvoiceData, methods: list):
        super().__init__(Order)
        self.data, self.methods = data, methods

    def host_key(self, obj) -> str:
        return "order-property"

    def to_invoice(self, obj) -> adapters.InvoiceData:
        return self.data

    def send_options(self, obj, invoice) -> adapters.SendOptions:
        return adapters.SendOptions(methods=tuple(self.methods))


def check_invoice(fiken, data: adapters.InvoiceData, methods: list) -> bool:
    """Validate, build both request bodies and send them; True when the data was accepted."""
    try:
        payload, _ = invoice_payload(None, GeneratedInvoice(data, methods))
    except ValidationError as error:
        assert_clear(error)
        return False
    json.dumps(payload)  # stored on the PushJob as JSON
    row = SimpleNamespace(draft_uuid=uuid.uuid4())
    direct = push.invoice_body(payload, fiken.customer_id)
    draft = push.draft_body(row, payload, fiken.customer_id, "12345678903")
    assert_spec_accepts(fiken, lambda: fiken.api.invoices.create(direct))
    assert_spec_accepts(fiken, lambda: fiken.api.invoice_drafts.create(draft))
    return True


# --------------------------------------------------------------------------------- contacts


@EXAMPLES
@given(data=hs.contacts)
def test_any_contact_data_is_a_valid_body_or_a_clear_error(fiken, data):
    try:
        data.validate()
    except ValidationError as error:
        assert_clear(error)
        return
    body = data.to_fiken("customer-17")
    assert_spec_accepts(fiken, lambda: fiken.api.contacts.create(body))


@EXAMPLES
@given(data=hs.good_contacts)
def test_good_contact_data_always_passes_and_fits_the_spec(fiken, data):
    data.validate()
    body = data.to_fiken("customer-17")
    assert_spec_accepts(fiken, lambda: fiken.api.contacts.create(body))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.one_of(st.text(max_size=300), hs.junk), email=st.one_of(st.text(), hs.junk))
def test_contact_payload_from_a_host_customer(db, name, email):
    """The outbox path: a host object through its registered adapter (unsaved, no queries)."""
    customer = Customer(pk=17, name=name, email=email)
    try:
        payload, _ = contact_payload(customer)
    except ValidationError as error:
        assert_clear(error)
        return
    assert payload["body"]["memberNumberString"] == "customer-17"
    json.dumps(payload)


# --------------------------------------------------------------------------------- invoices


@EXAMPLES
@given(draw=st.data())
def test_any_invoice_data_is_a_valid_body_or_a_clear_error(fiken, customer, draw):
    data = draw.draw(hs.invoices(customer))
    methods = draw.draw(hs.send_methods)
    check_invoice(fiken, data, methods)


@EXAMPLES
@given(draw=st.data())
def test_good_invoice_data_always_passes_and_fits_the_spec(fiken, customer, draw):
    data = draw.draw(hs.good_invoices(customer))
    assert check_invoice(fiken, data, ["email"])


# ------------------------------------------------------------------------- validation helpers

CHECKS = [
    validation.organization_number_problem,
    validation.email_problem,
    validation.currency_problem,
    validation.vat_type_problem,
    validation.account_code_problem,
    validation.bank_account_number_problem,
    validation.ore_problem,
    validation.date_problem,
]


@settings(max_examples=150, deadline=None)
@given(check=st.sampled_from(CHECKS), value=st.one_of(hs.junk, st.text(max_size=30)))
def test_every_check_answers_none_or_a_message_for_any_value(check, value):
    problem = check(value)
    assert problem is None or (isinstance(problem, str) and problem.strip())


@settings(max_examples=80, deadline=None)
@given(methods=st.one_of(hs.send_methods, st.lists(hs.junk, max_size=2)))
def test_send_methods_check_answers_none_or_a_message(methods):
    problem = validation.send_methods_problem(methods)
    assert problem is None or (isinstance(problem, str) and problem.strip())

"""Adapters: how a shop's own models become Fiken contacts and invoices.

A host project registers one adapter per host model, in code::

    from django_fiken import adapters

    @adapters.register(Customer)
    class CustomerAdapter(adapters.ContactAdapter):
        push_fields = ("name", "email", "org_number")

        def to_contact(self, customer):
            return adapters.ContactData(name=customer.name, email=customer.email)

or in settings (``FIKEN["ADAPTERS"] = {"shop.Customer": "shop.fiken.CustomerAdapter"}``). The app
connects ``post_save`` for every registered model when Django starts (see ``outbox``); the
adapter only maps data, it never talks to Fiken. See docs/adapters.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import import_string

from django_fiken import validation
from django_fiken.conf import fiken_settings

if TYPE_CHECKING:
    from django_fiken.models import FikenCompany

#: What to do with an order once ``should_invoice`` says yes.
INVOICE_POLICIES = ("draft", "issue", "issue_and_send")
#: Contact matching keys, tried in the adapter's order when a contact has no Fiken id yet.
MATCHING_KEYS = ("member_number", "organization_number", "email")


# --------------------------------------------------------------------------------------------
# Mirror data: what an adapter returns. Money is integer øre, dates are ``date``.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressData:
    street_address: str = ""
    street_address_line2: str = ""
    post_code: str = ""
    city: str = ""
    country: str = "Norge"

    def to_fiken(self) -> dict[str, str]:
        body = {
            "streetAddress": self.street_address,
            "streetAddressLine2": self.street_address_line2,
            "postCode": self.post_code,
            "city": self.city,
            "country": self.country,
        }
        return {k: v for k, v in body.items() if v}


@dataclass(frozen=True)
class ContactData:
    """A customer as Fiken should see it. Empty strings mean "not given"."""

    name: str
    email: str = ""
    organization_number: str = ""
    phone_number: str = ""
    address: AddressData | None = None
    currency: str = ""
    language: str = ""
    days_until_due: int | None = None

    def validate(self) -> None:
        """Raise :class:`~django_fiken.validation.ValidationError` naming every bad field."""
        problems = validation.Problems()
        if not isinstance(self.name, str) or not self.name.strip():
            problems.add("name", "a contact needs a name")
        elif len(self.name) > 200:
            problems.add("name", "is longer than Fiken's 200 characters")
        if self.email:
            problems.add("email", validation.email_problem(self.email))
        if self.organization_number:
            problems.add(
                "organization_number",
                validation.organization_number_problem(self.organization_number),
            )
        if self.phone_number:
            problems.add("phone_number", validation.text_problem(self.phone_number, 20))
        if self.currency:
            problems.add("currency", validation.currency_problem(self.currency))
        if self.language:
            problems.add("language", validation.text_problem(self.language))
        if self.days_until_due is not None:
            problems.add("days_until_due", validation.whole_number_problem(self.days_until_due))
        if self.address is not None:
            if not isinstance(self.address, AddressData):
                problems.add("address", f"{self.address!r} is not an AddressData")
            elif not self.address.country:
                problems.add("address.country", "Fiken needs a country on an address")
            else:
                for name, value in vars(self.address).items():
                    if value:
                        problems.add(f"address.{name}", validation.text_problem(value))
        problems.raise_if_any()

    def to_fiken(self, member_number: str) -> dict[str, Any]:
        """The ``contact`` request body (openapi.yaml ``#/components/schemas/contact``)."""
        body: dict[str, Any] = {
            "name": self.name,
            "customer": True,
            "memberNumberString": member_number,
        }
        optional = {
            "email": self.email,
            "organizationNumber": self.organization_number,
            "phoneNumber": self.phone_number,
            "currency": self.currency,
            "language": self.language,
        }
        body.update({k: v for k, v in optional.items() if v})
        if self.days_until_due is not None:
            body["daysUntilInvoicingDueDate"] = self.days_until_due
        if self.address is not None:
            body["address"] = self.address.to_fiken()
        return body


@dataclass(frozen=True)
class InvoiceLineData:
    """One invoice line. ``unit_price`` is net øre per unit (before VAT)."""

    description: str
    unit_price: int
    quantity: int | Decimal = 1
    vat_type: str = "HIGH"
    income_account: str = "3000"
    product_id: int | None = None
    comment: str = ""

    def problems(self, prefix: str, problems: validation.Problems) -> None:
        if not isinstance(self.description, str) or not self.description.strip():
            problems.add(f"{prefix}.description", "a line needs a description")
        elif len(self.description) > 200:
            problems.add(f"{prefix}.description", "is longer than Fiken's 200 characters")
        problems.add(f"{prefix}.unit_price", validation.ore_problem(self.unit_price))
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int | Decimal):
            problems.add(f"{prefix}.quantity", f"{self.quantity!r} is not an int or Decimal")
        elif isinstance(self.quantity, Decimal) and not self.quantity.is_finite():
            problems.add(f"{prefix}.quantity", f"{self.quantity} is not a number Fiken takes")
        elif self.quantity <= 0:
            problems.add(f"{prefix}.quantity", "must be more than zero")
        if self.comment:
            problems.add(f"{prefix}.comment", validation.text_problem(self.comment, 200))
        problems.add(f"{prefix}.vat_type", validation.vat_type_problem(self.vat_type))
        problems.add(
            f"{prefix}.income_account", validation.account_code_problem(self.income_account)
        )

    def quantity_json(self) -> int | float:
        """Fiken's ``quantity`` is a JSON number; whole quantities stay integers."""
        if isinstance(self.quantity, Decimal) and self.quantity != self.quantity.to_integral():
            return float(self.quantity)
        return int(self.quantity)

    def to_fiken_draft_line(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "description": self.description,
            "unitPrice": self.unit_price,
            "quantity": self.quantity_json(),
            "vatType": self.vat_type,
            "incomeAccount": self.income_account,
        }
        if self.product_id is not None:
            body["productId"] = self.product_id
        if self.comment:
            body["comment"] = self.comment
        return body

    def to_fiken_invoice_line(self) -> dict[str, Any]:
        """``invoiceLineRequest`` shares the draft line's fields for a free-text line."""
        return self.to_fiken_draft_line()

    def net(self) -> int:
        """Net øre for the line; whole øre, rounded half up like Fiken."""
        return int(
            (Decimal(self.unit_price) * Decimal(self.quantity)).to_integral_value("ROUND_HALF_UP")
        )


@dataclass(frozen=True)
class InvoiceData:
    """An invoice as Fiken should see it.

    ``customer`` is the *host* object of the buyer (e.g. the shop's Customer); its own adapter
    turns it into the Fiken contact the invoice is addressed to. ``cash_payment_account`` set
    (e.g. ``"1920:10001"``) makes a cash invoice: the order is already paid into that account.
    """

    customer: models.Model | None
    lines: Sequence[InvoiceLineData]
    issue_date: date
    days_until_due: int = 14
    currency: str = "NOK"
    bank_account: str | None = None
    invoice_text: str = ""
    your_reference: str = ""
    our_reference: str = ""
    cash_payment_account: str | None = None

    @property
    def is_cash(self) -> bool:
        return bool(self.cash_payment_account)

    def resolved_bank_account(self) -> str | None:
        return self.bank_account or fiken_settings.DEFAULT_BANK_ACCOUNT

    def validate(self) -> None:
        problems = validation.Problems()
        if self.customer is None:
            problems.add("customer", "an invoice needs a customer")
        elif not isinstance(self.customer, models.Model):
            problems.add("customer", f"{self.customer!r} is not a model instance")
        elif get_adapter(type(self.customer)) is None or not isinstance(
            get_adapter(type(self.customer)), ContactAdapter
        ):
            problems.add(
                "customer",
                f"{type(self.customer).__name__} has no contact adapter registered",
            )
        if not self.lines:
            problems.add("lines", "an invoice needs at least one line")
        for index, line in enumerate(self.lines or ()):
            line.problems(f"lines[{index}]", problems)
        problems.add("issue_date", validation.date_problem(self.issue_date))
        problems.add("days_until_due", validation.whole_number_problem(self.days_until_due))
        for name, max_length in (
            ("invoice_text", 500),
            ("your_reference", None),
            ("our_reference", None),
        ):
            if getattr(self, name):
                problems.add(name, validation.text_problem(getattr(self, name), max_length))
        problems.add("currency", validation.currency_problem(self.currency))
        bank_account = self.resolved_bank_account()
        if not bank_account:
            problems.add(
                "bank_account",
                "no bank account: return one from the adapter or set "
                'FIKEN["DEFAULT_BANK_ACCOUNT"] (e.g. "1920:10001")',
            )
        else:
            problems.add("bank_account", validation.account_code_problem(bank_account))
        if self.cash_payment_account:
            problems.add(
                "cash_payment_account", validation.account_code_problem(self.cash_payment_account)
            )
        problems.raise_if_any()

    def gross_estimate(self) -> int:
        return sum(line.net() for line in self.lines)


@dataclass(frozen=True)
class SendOptions:
    """How an issued invoice is dispatched (``sendInvoiceRequest``)."""

    methods: tuple[str, ...] = ("auto",)
    recipient_email: str = ""
    recipient_name: str = ""
    message: str = ""

    def validate(self) -> None:
        problems = validation.Problems()
        problems.add("methods", validation.send_methods_problem(self.methods))
        if self.recipient_email:
            problems.add("recipient_email", validation.email_problem(self.recipient_email))
        problems.raise_if_any()

    def to_payload(self) -> dict[str, Any]:
        return {
            "methods": list(self.methods),
            "recipient_email": self.recipient_email,
            "recipient_name": self.recipient_name,
            "message": self.message,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> SendOptions:
        return cls(
            methods=tuple(payload.get("methods") or ("auto",)),
            recipient_email=payload.get("recipient_email", ""),
            recipient_name=payload.get("recipient_name", ""),
            message=payload.get("message", ""),
        )


# --------------------------------------------------------------------------------------------
# Adapter base classes
# --------------------------------------------------------------------------------------------


class BaseAdapter:
    """What every adapter shares: the host key, the company, which saves matter."""

    #: Host fields whose change triggers a push; ``None`` means any concrete field. A save that
    #: changes none of them (or whose ``update_fields`` names none of them) does nothing.
    push_fields: ClassVar[Sequence[str] | None] = None

    def __init__(self, model: type[models.Model]):
        self.model = model

    def host_key(self, obj: models.Model) -> str:
        """A stable key for ``obj`` in Fiken: never reuse one for another object.

        It becomes the contact's ``memberNumberString`` / the invoice's ``orderReference`` and is
        how a retry finds what an earlier, ambiguous attempt created.
        """
        return f"{obj._meta.label_lower}:{obj.pk}"

    def company(self, obj: models.Model) -> FikenCompany | str | None:
        """Which Fiken company ``obj`` belongs in: a company, its slug, or ``None``.

        ``None`` means the personal one (``FIKEN["COMPANY_SLUG"]``).
        """
        return None

    def watched_fields(self) -> frozenset[str]:
        if self.push_fields is not None:
            return frozenset(self.push_fields)
        return frozenset(f.attname for f in self.model._meta.concrete_fields if not f.primary_key)


class ContactAdapter(BaseAdapter):
    """Turns a host model (a shop's Customer) into a Fiken contact."""

    #: Order in which an existing Fiken contact is looked for before one is created.
    matching_keys: ClassVar[Sequence[str]] = MATCHING_KEYS

    def to_contact(self, obj: models.Model) -> ContactData:
        raise NotImplementedError(f"{type(self).__name__} must implement to_contact(obj)")


class InvoiceAdapter(BaseAdapter):
    """Turns a host model (a shop's Order) into a Fiken invoice."""

    #: ``draft``: stop at a draft in Fiken; ``issue``: issue it; ``issue_and_send``: and send it.
    invoice_policy: ClassVar[str] = "issue_and_send"
    #: Send methods in priority order: ``email``, ``ehf``, ``auto``, ...
    send_methods: ClassVar[Sequence[str]] = ("auto",)
    #: Create invoices through a draft (idempotent by the draft's uuid; 3 calls) or directly
    #: with ``createInvoice`` (2 calls; found again by ``orderReference``).
    via_draft: ClassVar[bool] = True

    def should_invoice(self, obj: models.Model) -> bool:
        """Whether ``obj`` is ready to be invoiced (e.g. the order is paid or confirmed)."""
        return True

    def to_invoice(self, obj: models.Model) -> InvoiceData:
        raise NotImplementedError(f"{type(self).__name__} must implement to_invoice(obj)")

    def send_options(self, obj: models.Model, invoice: InvoiceData) -> SendOptions:
        """Where the invoice goes; default: the adapter's methods, Fiken picks the address."""
        return SendOptions(methods=tuple(self.send_methods))

    def validate_policy(self) -> None:
        if self.invoice_policy not in INVOICE_POLICIES:
            raise ImproperlyConfigured(
                f"{type(self).__name__}.invoice_policy is {self.invoice_policy!r}; "
                f"use one of {', '.join(INVOICE_POLICIES)}"
            )
        problem = validation.send_methods_problem(self.send_methods)
        if problem:
            raise ImproperlyConfigured(f"{type(self).__name__}.send_methods: {problem}")


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

_registry: dict[type[models.Model], BaseAdapter] = {}
_settings_loaded = False

A = TypeVar("A", bound=type[BaseAdapter])


def register(
    model: type[models.Model] | str, adapter_class: type[BaseAdapter] | None = None
) -> Any:
    """Register ``adapter_class`` for ``model``: ``register(M, A)`` or ``@register(M)``."""

    def do_register(cls: A) -> A:
        model_class = _resolve_model(model)
        if not (isinstance(cls, type) and issubclass(cls, ContactAdapter | InvoiceAdapter)):
            raise ImproperlyConfigured(
                f"{cls!r} must subclass django_fiken.adapters.ContactAdapter or InvoiceAdapter"
            )
        existing = _registry.get(model_class)
        if existing is not None and type(existing) is not cls:
            raise ImproperlyConfigured(
                f"{model_class._meta.label} already has a Fiken adapter "
                f"({type(existing).__name__}); one adapter per model"
            )
        adapter = cls(model_class)
        if isinstance(adapter, InvoiceAdapter):
            adapter.validate_policy()
        if isinstance(adapter, ContactAdapter):
            unknown = set(adapter.matching_keys) - set(MATCHING_KEYS)
            if unknown:
                raise ImproperlyConfigured(
                    f"{cls.__name__}.matching_keys: unknown {sorted(unknown)}; "
                    f"use some of {', '.join(MATCHING_KEYS)}"
                )
        _registry[model_class] = adapter
        _connect(model_class)
        return cls

    if adapter_class is not None:
        do_register(adapter_class)
        return adapter_class
    return do_register


def unregister(model: type[models.Model] | str) -> None:
    """Forget the adapter for ``model`` and disconnect its signals (mostly for tests)."""
    model_class = _resolve_model(model)
    if _registry.pop(model_class, None) is not None:
        _disconnect(model_class)


def get_adapter(model: type[models.Model]) -> BaseAdapter | None:
    load_from_settings()
    for klass in (model, *model._meta.get_parent_list()):
        if klass in _registry:
            return _registry[klass]
    return None


def registered() -> dict[type[models.Model], BaseAdapter]:
    load_from_settings()
    return dict(_registry)


def load_from_settings() -> None:
    """Register the adapters named in ``FIKEN["ADAPTERS"]`` (once; called from ready())."""
    global _settings_loaded
    if _settings_loaded:
        return
    _settings_loaded = True
    for model_label, adapter_path in (fiken_settings.ADAPTERS or {}).items():
        try:
            adapter_class = import_string(adapter_path)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f'FIKEN["ADAPTERS"][{model_label!r}]: cannot import {adapter_path!r}: {exc}'
            ) from exc
        model_class = _resolve_model(model_label)
        if type(_registry.get(model_class)) is adapter_class:
            continue
        register(model_class, adapter_class)


def _resolve_model(model: type[models.Model] | str) -> type[models.Model]:
    if isinstance(model, str):
        try:
            return apps.get_model(model)
        except (LookupError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"Fiken adapter registered for {model!r}, which is not an installed model "
                "(use 'app_label.ModelName')"
            ) from exc
    return model


# Signal wiring lives in the outbox; imported lazily so adapters stay importable from models.
def _connect(model: type[models.Model]) -> None:
    from django_fiken import outbox

    outbox.connect(model)


def _disconnect(model: type[models.Model]) -> None:
    from django_fiken import outbox

    outbox.disconnect(model)


def adapter_for(obj: models.Model) -> BaseAdapter:
    adapter = get_adapter(type(obj))
    if adapter is None:
        raise ImproperlyConfigured(f"{type(obj).__name__} has no Fiken adapter registered")
    return adapter


__all__ = [
    "INVOICE_POLICIES",
    "MATCHING_KEYS",
    "AddressData",
    "BaseAdapter",
    "ContactAdapter",
    "ContactData",
    "InvoiceAdapter",
    "InvoiceData",
    "InvoiceLineData",
    "SendOptions",
    "adapter_for",
    "get_adapter",
    "register",
    "registered",
    "unregister",
]

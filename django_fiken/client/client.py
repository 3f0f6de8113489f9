"""``FikenClient``: the entry point, and ``CompanyClient``: every area of one company.

::

    client = FikenClient(StaticTokenProvider(token))
    client.user.get()
    acme = client.company("acme-as")
    contact_id = acme.contacts.create({"name": "Kari", "memberNumberString": "shop-17"})

The client is plain Python (``requests`` + ``tenacity``); the Django app builds it from settings
and hands it a shared cache for the limiter.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import requests

from .. import __version__
from .limits import (
    DEFAULT_LEASE,
    DEFAULT_RATE,
    CacheBackend,
    CacheLimiter,
    Limiter,
    LocalLimiter,
)
from .resources.banking import BankAccounts, BankBalances
from .resources.base import OPERATION_ATTRIBUTE, CompanyResource, Resource
from .resources.contacts import ContactPersons, Contacts, Groups
from .resources.credit_notes import CreditNoteDrafts, CreditNotes
from .resources.inbox import Inbox
from .resources.invoices import InvoiceDrafts, Invoices
from .resources.ledger import AccountBalances, Accounts, JournalEntries, Transactions
from .resources.offers import OfferDrafts, Offers
from .resources.order_confirmations import OrderConfirmationDrafts, OrderConfirmations
from .resources.products import Products
from .resources.purchases import PurchaseDrafts, PurchasePayments, Purchases
from .resources.sales import SaleDrafts, SalePayments, Sales
from .resources.time_tracking import Activities, Projects, TimeEntries, TimeUsers
from .resources.user import CompaniesResource, UserResource
from .tokens import TokenProvider
from .transport import Timeout, Transport, check_base_url

DEFAULT_BASE_URL = "https://api.fiken.no/api/v2"
DEFAULT_USER_AGENT = f"django-fiken/{__version__} (+https://github.com/django-fiken/django-fiken)"

# Attribute on CompanyClient -> resource class. The order is the order of the docs.
COMPANY_RESOURCES: dict[str, type[CompanyResource]] = {
    "contacts": Contacts,
    "contact_persons": ContactPersons,
    "groups": Groups,
    "products": Products,
    "bank_accounts": BankAccounts,
    "bank_balances": BankBalances,
    "accounts": Accounts,
    "account_balances": AccountBalances,
    "journal_entries": JournalEntries,
    "transactions": Transactions,
    "invoices": Invoices,
    "invoice_drafts": InvoiceDrafts,
    "credit_notes": CreditNotes,
    "credit_note_drafts": CreditNoteDrafts,
    "offers": Offers,
    "offer_drafts": OfferDrafts,
    "order_confirmations": OrderConfirmations,
    "order_confirmation_drafts": OrderConfirmationDrafts,
    "sales": Sales,
    "sale_payments": SalePayments,
    "sale_drafts": SaleDrafts,
    "purchases": Purchases,
    "purchase_payments": PurchasePayments,
    "purchase_drafts": PurchaseDrafts,
    "inbox": Inbox,
    "projects": Projects,
    "time_entries": TimeEntries,
    "activities": Activities,
    "time_users": TimeUsers,
}
CLIENT_RESOURCES: dict[str, type[Resource]] = {
    "user": UserResource,
    "companies": CompaniesResource,
}

# Clients built without a limiter or cache share one in-process limiter per rate, so two
# clients in one process still take turns on the same token.
_process_limiters: dict[float, LocalLimiter] = {}


def _process_limiter(rate: float) -> LocalLimiter:
    return _process_limiters.setdefault(float(rate), LocalLimiter(rate=rate))


class CompanyClient:
    """Every Fiken area of one company, the slug bound once (``client.company(slug)``)."""

    contacts: Contacts
    contact_persons: ContactPersons
    groups: Groups
    products: Products
    bank_accounts: BankAccounts
    bank_balances: BankBalances
    accounts: Accounts
    account_balances: AccountBalances
    journal_entries: JournalEntries
    transactions: Transactions
    invoices: Invoices
    invoice_drafts: InvoiceDrafts
    credit_notes: CreditNotes
    credit_note_drafts: CreditNoteDrafts
    offers: Offers
    offer_drafts: OfferDrafts
    order_confirmations: OrderConfirmations
    order_confirmation_drafts: OrderConfirmationDrafts
    sales: Sales
    sale_payments: SalePayments
    sale_drafts: SaleDrafts
    purchases: Purchases
    purchase_payments: PurchasePayments
    purchase_drafts: PurchaseDrafts
    inbox: Inbox
    projects: Projects
    time_entries: TimeEntries
    activities: Activities
    time_users: TimeUsers

    def __init__(self, transport: Transport, slug: str) -> None:
        if not isinstance(slug, str) or not slug.strip():
            raise ValueError("A Fiken company slug must be a non-empty string (e.g. 'acme-as').")
        self.slug = slug
        for attribute, resource in COMPANY_RESOURCES.items():
            setattr(self, attribute, resource(transport, slug))

    def __repr__(self) -> str:
        return f"<CompanyClient {self.slug!r}>"


class FikenClient:
    """Fiken API v2 over HTTP, one request at a time per token, with typed errors and retries.

    ``limiter`` is any object with ``slot(limit_key)``; or pass ``cache`` (a Django cache, or
    anything with ``add``/``get``/``set``/``delete``) to share the per-token lock across
    processes at ``rate_limit`` request starts per second. With neither, threads of this process
    take turns through an in-process limiter.
    """

    user: UserResource
    companies: CompaniesResource

    def __init__(
        self,
        token_provider: TokenProvider,
        base_url: str = DEFAULT_BASE_URL,
        *,
        session: requests.Session | None = None,
        limiter: Limiter | None = None,
        cache: CacheBackend | None = None,
        rate_limit: float = DEFAULT_RATE,
        timeout: Timeout = (5, 30),
        max_retries: int = 4,
        user_agent: str = DEFAULT_USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for needed in ("get_token", "refresh", "limit_key"):
            if not hasattr(token_provider, needed):
                raise TypeError(
                    f"token_provider needs get_token(), refresh() and limit_key; "
                    f"{type(token_provider).__name__} has no {needed}."
                )
        if limiter is not None and cache is not None:
            raise ValueError("Pass either limiter= or cache= to FikenClient, not both.")
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be a whole number >= 0, got {max_retries!r}.")
        timeout = _check_timeout(timeout)
        if cache is not None:
            # The lock's lease must outlast the slowest request, or a live holder loses it.
            slowest = sum(timeout) if isinstance(timeout, tuple) else 2 * timeout
            limiter = CacheLimiter(cache, rate=rate_limit, lease=max(DEFAULT_LEASE, slowest + 30))
        elif limiter is None:
            limiter = _process_limiter(rate_limit)
        self.base_url = check_base_url(base_url)
        self.token_provider = token_provider
        self.limiter = limiter
        self._transport = Transport(
            token_provider,
            base_url=self.base_url,
            session=session or requests.Session(),
            limiter=limiter,
            timeout=timeout,
            max_retries=max_retries,
            user_agent=user_agent,
            sleep=sleep,
        )
        for attribute, resource in CLIENT_RESOURCES.items():
            setattr(self, attribute, resource(self._transport))

    def __repr__(self) -> str:
        return f"<FikenClient {self.base_url} token={self.token_provider.limit_key}>"

    @property
    def timeout(self) -> Timeout:
        return self._transport.timeout

    @property
    def max_retries(self) -> int:
        return self._transport.max_retries

    def company(self, slug: str) -> CompanyClient:
        """Every company-scoped area of ``slug``: ``client.company("acme-as").contacts``."""
        return CompanyClient(self._transport, slug)

    @staticmethod
    def operations() -> dict[str, str]:
        """``{operationId: "Resource.method"}`` for every Fiken operation the client can call."""
        found: dict[str, str] = {}
        for operation_id, qualified_name in iter_operation_methods():
            if operation_id in found:
                raise RuntimeError(
                    f"{operation_id} is claimed by both {found[operation_id]} and {qualified_name}."
                )
            found[operation_id] = qualified_name
        return found


def iter_operation_methods() -> Iterator[tuple[str, str]]:
    """Every ``(operationId, "Resource.method")`` registered with ``@operation``."""
    for resource in (*CLIENT_RESOURCES.values(), *COMPANY_RESOURCES.values()):
        for name in dir(resource):
            operation_id = getattr(getattr(resource, name), OPERATION_ATTRIBUTE, None)
            if operation_id is not None:
                yield operation_id, f"{resource.__name__}.{name}"


def _check_timeout(timeout: Timeout) -> Timeout:
    values = timeout if isinstance(timeout, tuple | list) else (timeout,)
    if len(values) not in (1, 2) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise ValueError(
            f"timeout must be seconds or a (connect, read) pair of seconds, got {timeout!r}."
        )
    return tuple(values) if len(values) == 2 else values[0]  # type: ignore[return-value]

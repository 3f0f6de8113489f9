"""Bank accounts and their balances."""

from __future__ import annotations

from typing import Unpack

from ..endpoints import GetBankAccountsQuery, GetBankBalancesQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import BankAccountRequest, BankAccountResult, BankBalanceResult
from .base import CompanyResource, operation


class BankAccounts(CompanyResource):
    """``/bankAccounts``."""

    @operation("getBankAccounts")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetBankAccountsQuery]
    ) -> Paginated[BankAccountResult]:
        return self._list("getBankAccounts", filters, page_size=page_size)

    @operation("getBankAccount")
    def get(self, bank_account_id: int) -> BankAccountResult:
        return self._get("getBankAccount", bankAccountId=bank_account_id)

    @operation("createBankAccount")
    def create(self, bank_account: BankAccountRequest) -> int:
        """Create a bank account; returns its ``bankAccountId``."""
        return self._create("createBankAccount", bank_account)


class BankBalances(CompanyResource):
    """``/bankBalances``: every bank account's balance on a date."""

    @operation("getBankBalances")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetBankBalancesQuery]
    ) -> Paginated[BankBalanceResult]:
        return self._list("getBankBalances", filters, page_size=page_size)

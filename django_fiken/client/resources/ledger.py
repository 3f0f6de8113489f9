"""The ledger: accounts, account balances, journal entries and transactions."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Unpack

from ..endpoints import (
    GetAccountBalancesQuery,
    GetAccountsQuery,
    GetJournalEntriesQuery,
    GetTransactionsQuery,
)
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import Account, AccountBalance, Attachment, GeneralJournalEntryRequest, JournalEntry
from ..types import Transaction as TransactionRecord
from .base import CompanyResource, FileInput, operation


class Accounts(CompanyResource):
    """``/accounts``: the chart of accounts (codes like ``"3000"`` or ``"1500:10001"``)."""

    @operation("getAccounts")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetAccountsQuery]
    ) -> Paginated[Account]:
        return self._list("getAccounts", filters, page_size=page_size)

    @operation("getAccount")
    def get(self, account_code: str) -> Account:
        return self._get("getAccount", accountCode=account_code)


class AccountBalances(CompanyResource):
    """``/accountBalances``: balances of accounts on a date."""

    @operation("getAccountBalances")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetAccountBalancesQuery]
    ) -> Paginated[AccountBalance]:
        """Balances on ``date=`` (required) for every account, optionally a code range."""
        return self._list("getAccountBalances", filters, page_size=page_size)

    @operation("getAccountBalance")
    def get(self, account_code: str, *, date: dt.date) -> AccountBalance:
        return self._get("getAccountBalance", {"date": date}, accountCode=account_code)


class JournalEntries(CompanyResource):
    """``/journalEntries`` (read) and ``/generalJournalEntries`` (create)."""

    @operation("getJournalEntries")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetJournalEntriesQuery]
    ) -> Paginated[JournalEntry]:
        return self._list("getJournalEntries", filters, page_size=page_size)

    @operation("getJournalEntry")
    def get(self, journal_entry_id: int) -> JournalEntry:
        return self._get("getJournalEntry", journalEntryId=journal_entry_id)

    @operation("createGeneralJournalEntry")
    def create(self, entry: GeneralJournalEntryRequest) -> int | str | None:
        """Book a general journal entry (fri postering); returns the id from ``Location``."""
        return self._create("createGeneralJournalEntry", entry)

    @operation("getJournalEntryAttachments")
    def list_attachments(self, journal_entry_id: int) -> builtins.list[Attachment]:
        return self._get("getJournalEntryAttachments", journalEntryId=journal_entry_id)

    @operation("addAttachmentToJournalEntry")
    def add_attachment(
        self, journal_entry_id: int, file: FileInput, *, filename: str | None = None
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToJournalEntry",
            file,
            filename=filename,
            fields={},
            journalEntryId=journal_entry_id,
        )


class Transactions(CompanyResource):
    """``/transactions``: the bookings behind sales, purchases and journal entries."""

    @operation("getTransactions")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetTransactionsQuery]
    ) -> Paginated[TransactionRecord]:
        return self._list("getTransactions", filters, page_size=page_size)

    @operation("getTransaction")
    def get(self, transaction_id: int) -> TransactionRecord:
        return self._get("getTransaction", transactionId=transaction_id)

    @operation("deleteTransaction")
    def delete(self, transaction_id: int, *, description: str) -> TransactionRecord:
        """Reverse a transaction (Fiken books a counter-entry, ``description`` says why)."""
        return self._json(
            "deleteTransaction",
            filters={"description": description},
            transactionId=transaction_id,
        )

"""Journal entries (posteringer), general journal entries (fri postering) and transactions.

Every booking the fake makes (sales, payments, credit notes, general journal entries) goes
through :func:`post_journal`, so account balances add up and debit always equals credit.
"""

from __future__ import annotations

from typing import Any

from ..http import ApiError
from ..state import public
from .base import Context, apply_filters, get_or_404, route, touch


def account_exists(ctx: Context, code: str) -> bool:
    return code in ctx.store.accounts or code.split(":")[0] in ctx.store.accounts


def post_journal(
    ctx: Context,
    *,
    description: str,
    date: str,
    lines: list[tuple[str, int]],
    kind: str,
    transaction_id: int | None = None,
) -> dict[str, Any]:
    """Book signed postings (debit > 0, credit < 0) as one journal entry in a transaction."""
    if sum(amount for _, amount in lines) != 0:
        raise ApiError(400, "Debit and credit must balance")
    today = ctx.state.today_iso()
    transaction_id = transaction_id or ctx.state.next_id()
    entry_id = ctx.state.next_id()
    entry = {
        "journalEntryId": entry_id,
        "createdDate": today,
        "lastModifiedDate": today,
        "transactionId": transaction_id,
        "journalEntryNumber": len(ctx.store.journal_entries) + 1,
        "description": description,
        "date": date,
        "lines": [
            {"account": account, "amount": amount, "lastModifiedDate": today}
            for account, amount in lines
            if amount
        ],
        "attachments": [],
        "_kind": kind,
    }
    ctx.store.journal_entries[entry_id] = entry
    transaction = ctx.store.transactions.setdefault(
        transaction_id,
        {
            "transactionId": transaction_id,
            "createdDate": today,
            "lastModifiedDate": today,
            "description": description,
            "type": kind,
            "deleted": False,
            "_entries": [],
        },
    )
    transaction["_entries"].append(entry_id)
    return entry


def _postings(ctx: Context, entry: dict[str, Any]) -> list[tuple[str, int]]:
    """Signed postings from one general journal entry request; rejects unknown accounts."""
    postings: list[tuple[str, int]] = []
    for line in entry.get("lines") or []:
        amount = line.get("amount")
        if not isinstance(amount, int) or amount <= 0:
            raise ApiError(400, "Each line needs a positive integer amount (øre)")
        debit, credit = line.get("debitAccount"), line.get("creditAccount")
        if not debit and not credit:
            raise ApiError(400, "Each line needs a debitAccount and/or a creditAccount")
        for code in filter(None, (debit, credit)):
            if not account_exists(ctx, code):
                raise ApiError(400, f"Account {code} does not exist")
        if debit:
            postings.append((debit, amount))
        if credit:
            postings.append((credit, -amount))
    return postings


@route("POST", "/companies/{companySlug}/generalJournalEntries", "createGeneralJournalEntry")
def create_general_journal_entry(ctx: Context):
    data = ctx.json()
    entries = data.get("journalEntries") or []
    if not entries:
        raise ApiError(400, "journalEntries must contain at least one entry")
    planned = []
    for entry in entries:
        postings = _postings(ctx, entry)
        debit = sum(a for _, a in postings if a > 0)
        credit = -sum(a for _, a in postings if a < 0)
        if debit != credit:
            raise ApiError(
                400, f"Debit ({debit}) and credit ({credit}) must be equal in every journal entry"
            )
        planned.append((entry, postings))
    description = data.get("description") or ""
    with ctx.state.lock:
        transaction_id = ctx.state.next_id()
        created = [
            post_journal(
                ctx,
                description="Fri postering registrert via API: "
                + (entry.get("description") or description),
                date=entry["date"],
                lines=postings,
                kind="general",
                transaction_id=transaction_id,
            )
            for entry, postings in planned
        ]
    return ctx.created(f"/journalEntries/{created[0]['journalEntryId']}")


@route("GET", "/companies/{companySlug}/journalEntries", "getJournalEntries")
def get_journal_entries(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.journal_entries.values(),
        dates={
            "date": lambda r: r["date"],
            "lastModified": lambda r: r.get("lastModifiedDate"),
            "createdDate": lambda r: r.get("createdDate"),
        },
    )
    return ctx.page(items, public)


@route("GET", "/companies/{companySlug}/journalEntries/{journalEntryId}", "getJournalEntry")
def get_journal_entry(ctx: Context):
    entry = get_or_404(ctx.store.journal_entries, ctx.id("journalEntryId"), "Journal entry")
    return ctx.ok(public(entry))


def render_transaction(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    result["entries"] = [public(ctx.store.journal_entries[e]) for e in record["_entries"]]
    return result


@route("GET", "/companies/{companySlug}/transactions", "getTransactions")
def get_transactions(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.transactions.values(),
        dates={
            "lastModified": lambda r: r.get("lastModifiedDate"),
            "createdDate": lambda r: r.get("createdDate"),
        },
    )
    return ctx.page(items, lambda r: render_transaction(ctx, r))


@route("GET", "/companies/{companySlug}/transactions/{transactionId}", "getTransaction")
def get_transaction(ctx: Context):
    record = get_or_404(ctx.store.transactions, ctx.id("transactionId"), "Transaction")
    return ctx.ok(render_transaction(ctx, record))


@route("PATCH", "/companies/{companySlug}/transactions/{transactionId}/delete", "deleteTransaction")
def delete_transaction(ctx: Context):
    with ctx.state.lock:
        record = get_or_404(ctx.store.transactions, ctx.id("transactionId"), "Transaction")
        if not record["deleted"]:
            reverse_id = ctx.state.next_id()
            for entry_id in list(record["_entries"]):
                entry = ctx.store.journal_entries[entry_id]
                post_journal(
                    ctx,
                    description=f"Reversering: {ctx.query.get('description', '')}",
                    date=ctx.state.today_iso(),
                    lines=[(line["account"], -line["amount"]) for line in entry["lines"]],
                    kind="reversal",
                    transaction_id=reverse_id,
                )
                entry["offsetTransactionId"] = reverse_id
            record["deleted"] = True
            touch(ctx, record)
    return ctx.ok(render_transaction(ctx, record))

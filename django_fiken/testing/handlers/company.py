"""User, companies, accounts, account balances, bank accounts and bank balances."""

from __future__ import annotations

from ..http import ApiError
from ..state import HIDDEN_KEYS, public
from .base import Context, apply_filters, get_or_404, route


@route("GET", "/user", "getUser")
def get_user(ctx: Context):
    user = ctx.fake.current_token.user
    return ctx.ok({"name": user.name, "email": user.email})


@route("GET", "/companies", "getCompanies")
def get_companies(ctx: Context):
    token = ctx.fake.current_token
    stores = [s for slug, s in ctx.state.companies.items() if token.reaches(slug)]
    sort = ctx.query.get("sortBy", "name asc")
    field, _, direction = sort.partition(" ")
    key = {"createdDate": "creationDate"}.get(field, field)
    stores.sort(key=lambda s: str(s.company.get(key) or ""), reverse=direction == "desc")
    return ctx.page([public(s.company, HIDDEN_KEYS["company"]) for s in stores])


@route("GET", "/companies/{companySlug}", "getCompany")
def get_company(ctx: Context):
    return ctx.ok(public(ctx.store.company, HIDDEN_KEYS["company"]))


def _account_list(ctx: Context) -> list[dict]:
    low = ctx.q_int("fromAccount", 0)
    high = ctx.q_int("toAccount", 99999)
    codes = sorted(ctx.store.accounts)
    return [
        {"code": code, "name": ctx.store.accounts[code]}
        for code in codes
        if low <= int(code.split(":")[0]) <= high
    ]


@route("GET", "/companies/{companySlug}/accounts", "getAccounts")
def get_accounts(ctx: Context):
    return ctx.page(_account_list(ctx))


@route("GET", "/companies/{companySlug}/accounts/{accountCode}", "getAccount")
def get_account(ctx: Context):
    code = ctx.params["accountCode"]
    if code not in ctx.store.accounts:
        raise ApiError(404, f"Account {code} not found")
    return ctx.ok({"code": code, "name": ctx.store.accounts[code]})


def account_balance(ctx: Context, code: str) -> int:
    """Sum of journal lines on ``code`` (and its sub-ledgers) up to the requested date."""
    until = ctx.q_date("date")
    total = 0
    for entry in ctx.store.journal_entries.values():
        if until and entry["date"] > until.isoformat():
            continue
        for line in entry["lines"]:
            if line["account"] == code or line["account"].startswith(code + ":"):
                total += line["amount"]
    return total


@route("GET", "/companies/{companySlug}/accountBalances", "getAccountBalances")
def get_account_balances(ctx: Context):
    items = [{**a, "balance": account_balance(ctx, a["code"])} for a in _account_list(ctx)]
    return ctx.page(items)


@route("GET", "/companies/{companySlug}/accountBalances/{accountCode}", "getAccountBalance")
def get_account_balance(ctx: Context):
    code = ctx.params["accountCode"]
    if code not in ctx.store.accounts:
        raise ApiError(404, f"Account {code} not found")
    name = ctx.store.accounts[code]
    return ctx.ok({"code": code, "name": name, "balance": account_balance(ctx, code)})


def add_bank_account(store, state, data: dict) -> dict:
    """Create a bank account with its own 1920 sub-ledger account code."""
    bank_id = state.next_id()
    existing = [a for a in store.accounts if a.startswith("1920:")]
    code = data.get("accountCode") or f"1920:{10001 + len(existing)}"
    store.accounts[code] = data.get("name") or "Bankkonto"
    record = {
        "bankAccountId": bank_id,
        "name": data.get("name") or "Bankkonto",
        "accountCode": code,
        "bankAccountNumber": data["bankAccountNumber"],
        "type": data.get("type", "normal"),
        "inactive": bool(data.get("inactive", False)),
        "reconciledBalance": 0,
        "reconciledDate": state.today_iso(),
    }
    for optional in ("bic", "iban", "foreignService"):
        if data.get(optional):
            record[optional] = data[optional]
    store.bank_accounts[bank_id] = record
    return record


@route("GET", "/companies/{companySlug}/bankAccounts", "getBankAccounts")
def get_bank_accounts(ctx: Context):
    items = apply_filters(
        ctx, ctx.store.bank_accounts.values(), booleans={"inactive": lambda r: r["inactive"]}
    )
    return ctx.page(items, public)


@route("POST", "/companies/{companySlug}/bankAccounts", "createBankAccount")
def create_bank_account(ctx: Context):
    data = ctx.json()
    for required in ("bankAccountNumber", "name", "type"):
        if not data.get(required):
            raise ApiError(400, f"{required} is required")
    with ctx.state.lock:
        record = add_bank_account(ctx.store, ctx.state, data)
    return ctx.created(f"/bankAccounts/{record['bankAccountId']}")


@route("GET", "/companies/{companySlug}/bankAccounts/{bankAccountId}", "getBankAccount")
def get_bank_account(ctx: Context):
    record = get_or_404(ctx.store.bank_accounts, ctx.id("bankAccountId"), "Bank account")
    return ctx.ok(public(record))


@route("GET", "/companies/{companySlug}/bankBalances", "getBankBalances")
def get_bank_balances(ctx: Context):
    on = ctx.q_date("date") or ctx.state.today()
    items = [
        {
            "source": "MANUAL",
            "bankAccountId": r["bankAccountId"],
            "bankAccountCode": r["accountCode"],
            "date": on.isoformat(),
            "amount": account_balance(ctx, r["accountCode"]),
        }
        for r in ctx.store.bank_accounts.values()
    ]
    return ctx.page(items)

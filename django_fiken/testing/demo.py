"""The demo company every runnable fake starts with (``--demo``) and the test fixtures use."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core import FakeFiken

DEMO_SLUG = "fiken-demo-as"
DEMO_NAME = "Fiken Demo AS"
DEMO_ORGANIZATION_NUMBER = "912345678"
DEMO_BANK_ACCOUNT_CODE = "1920:10001"
DEMO_BANK_ACCOUNT_NUMBER = "12345678903"


def seed_demo(
    fake: FakeFiken,
    token: str | None = None,
    slug: str = DEMO_SLUG,
    counters: bool = True,
) -> str:
    """Add the demo company (bank account, counters, a user) and a personal token for it.

    Returns the token (a fresh random one unless given).
    """
    token = token or "demo-" + secrets.token_urlsafe(16)
    if slug not in fake.state.companies:
        fake.add_company(
            slug,
            name=DEMO_NAME if slug == DEMO_SLUG else slug,
            organization_number=DEMO_ORGANIZATION_NUMBER,
            address={
                "streetAddress": "Storgata 1",
                "city": "Oslo",
                "postCode": "0155",
                "country": "Norge",
            },
            email="post@fiken-demo.example",
        )
        fake.add_bank_account(
            slug,
            bank_account_number=DEMO_BANK_ACCOUNT_NUMBER,
            name="Driftskonto",
            account_code=DEMO_BANK_ACCOUNT_CODE,
        )
        if counters:
            fake.initialise_counters(slug)
    if not fake.auth.users:
        fake.add_user("demo@fiken-demo.example", "Demo Bruker", companies=[slug])
    fake.add_personal_token(token, companies=[slug])
    return token

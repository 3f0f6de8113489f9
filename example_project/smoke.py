"""A short story against a local fake Fiken: the client over real HTTP, step by step.

Run from the repository root: ``python example_project/smoke.py``. It starts the fake Fiken
HTTP server in-process (demo company, bank account, counters, a personal token), then uses
:class:`django_fiken.client.FikenClient` to create a contact, an invoice draft, an invoice
from the draft, send it and list what exists, printing each step. It exits non-zero if any
step fails or if any request broke Fiken's OpenAPI spec.

The spec is read from ``FIKEN_OPENAPI_SPEC``, else ``../shared/fiken/openapi.yaml`` next to
the repository (without it the fake still runs, unvalidated).
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from django_fiken.client import FikenClient, StaticTokenProvider  # noqa: E402
from django_fiken.testing import DEMO_SLUG, FakeFiken, seed_demo  # noqa: E402

TOKEN = "smoke-personal-token"  # the fake's demo token; it opens nothing real


def spec_path() -> str | None:
    configured = os.environ.get("FIKEN_OPENAPI_SPEC")
    if configured:
        return configured
    sibling = REPO.parent / "shared" / "fiken" / "openapi.yaml"
    return str(sibling) if sibling.is_file() else None


def step(text: str) -> None:
    print(f"-> {text}", flush=True)


def main() -> int:
    fake = FakeFiken(spec_path=spec_path())
    seed_demo(fake, token=TOKEN)
    with fake.serve() as server:
        step(f"fake Fiken listening on {server.url} (company {DEMO_SLUG})")
        client = FikenClient(StaticTokenProvider(TOKEN), base_url=server.url)
        user = client.user.get()
        step(f"signed in as {user['name']} <{user['email']}>")
        company = client.company(DEMO_SLUG)

        contact_id = company.contacts.create(
            {
                "name": "Kari Nordmann",
                "email": "kari@example.com",
                "customer": True,
                "memberNumberString": "shop-customer-1",
            }
        )
        step(f"created contact {contact_id} (Kari Nordmann)")

        draft_uuid = str(uuid.uuid4())
        draft_id = company.invoice_drafts.create(
            {
                "type": "invoice",
                "uuid": draft_uuid,
                "customerId": contact_id,
                "daysUntilDueDate": 14,
                "orderReference": "order-1001",
                "lines": [
                    {
                        "description": "Ullgarn, 10 nøster",
                        "quantity": 2,
                        "unitPrice": 14900,
                        "vatType": "HIGH",
                        "incomeAccount": "3000",
                    },
                ],
            }
        )
        step(f"created invoice draft {draft_id} (uuid {draft_uuid})")

        invoice_id = company.invoices.create_from_draft(draft_id)
        invoice = company.invoices.get(invoice_id)
        step(
            f"issued invoice {invoice['invoiceNumber']} (id {invoice_id}), "
            f"gross {invoice['gross'] / 100:.2f} NOK, KID {invoice['kid']}"
        )

        company.invoices.send(
            {"invoiceId": invoice_id, "method": ["email"], "includeDocumentAttachments": True}
        )
        step(f"sent invoice {invoice['invoiceNumber']} by email")

        for found in company.invoices.list(order_reference="order-1001"):
            sale = found["sale"]
            step(
                f"listed invoice {found['invoiceNumber']} for {found['customer']['name']}: "
                f"settled={sale['settled']}, outstanding {sale['outstandingBalance'] / 100:.2f} NOK"
            )
        contacts = list(company.contacts.list())
        step(
            f"{len(contacts)} contact(s), {fake.stats.total_requests} requests in all, "
            f"at most {fake.stats.max_in_flight} in flight"
        )
    fake.assert_no_violations()
    step("no request broke Fiken's OpenAPI spec; done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

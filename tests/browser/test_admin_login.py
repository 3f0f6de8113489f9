"""An operator signs in to the admin in a real browser."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_signs_in_and_sees_fiken_in_the_admin(page, screenshot):
    get_user_model().objects.create_superuser("operator", "operator@example.com", "demo-pass-1")

    page.goto("/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "demo-pass-1")
    page.click("input[type=submit]")

    page.wait_for_selector("#site-name")
    assert page.url.endswith("/admin/")
    assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME")
    fiken = page.locator("#content-main .app-django_fiken")
    for model in ("Fiken invoices", "Fiken contacts", "Fiken push jobs", "Fiken companies"):
        assert fiken.get_by_role("link", name=model, exact=True).is_visible()
    screenshot(page, "admin-index")

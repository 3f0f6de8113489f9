"""Playwright against pytest-django's ``live_server``, driving Debian's Chromium.

Never ``playwright install``: the wheel ships the driver and the browser is the system's
``/usr/bin/chromium`` (CI installs it with apt). Without it these tests skip with the reason.

Screenshots land in ``tests/artifacts/`` on every run; with ``FIKEN_UPDATE_SCREENSHOTS=1`` they
are also copied into ``docs/img/`` for the documentation.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("FIKEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_DIR / "tests" / "artifacts"
DOCS_IMG_DIR = REPO_DIR / "docs" / "img"
VIEWPORT = {"width": 1360, "height": 760}
# The screenshots the documentation shows (docs/admin.md, docs/quickstart.md); the rest stay
# test artifacts.
DOCS_IMAGES = {
    "admin-invoices",
    "admin-send-invoice-form",
    "admin-push-job-failed",
    "admin-push-jobs",
    "connection-connected",
}


@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One Chromium for the browser tests; each test gets its own context (cookies, storage).

    Package-scoped, so Playwright stops after the last browser test and the rest of the suite
    runs without its event loop or the flag below.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (install it: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to be called
    # from a thread with a running loop unless told it is safe (it is: nothing here is async).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A fresh browser page whose relative URLs resolve against the live server."""
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(10_000)
    # The admin's navigation sidebar starts collapsed: screenshots show the content.
    context.add_init_script("localStorage.setItem('django.admin.navSidebarIsOpen', 'false')")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "admin-invoices")``: save a PNG artifact (and a docs image when asked)."""

    def take(page, name: str, *, size: tuple[int, int] | None = None) -> Path:
        """``size`` (width, height) resizes the viewport first, to keep docs images small."""
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        if size is not None:
            page.set_viewport_size({"width": size[0], "height": size[1]})
        path = ARTIFACTS_DIR / f"{name}.png"
        page.screenshot(path=str(path))
        if os.environ.get("FIKEN_UPDATE_SCREENSHOTS") == "1" and name in DOCS_IMAGES:
            DOCS_IMG_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, DOCS_IMG_DIR / path.name)
        return path

    return take

"""Fixtures shared by the whole suite."""

import pytest


@pytest.fixture(autouse=True)
def _forget_outbox_companies():
    """The outbox remembers company pks per process; a test's rollback removes the rows."""
    from django_fiken import outbox

    outbox._forget_companies()
    yield
    outbox._forget_companies()

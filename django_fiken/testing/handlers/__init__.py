"""Handlers for every operation in Fiken's spec; importing this package registers the routes."""

from . import (  # noqa: F401 - imported for their @route registrations
    attachments,
    company,
    contacts,
    credit_notes,
    invoices,
    journal,
    other,
    products,
    sales,
)
from .base import Context, Route, all_routes, match

__all__ = ["Context", "Route", "all_routes", "match"]

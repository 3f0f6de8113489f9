"""Prepare the demo: a superuser with a fresh demo-only password, the site, a catalogue."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand
from django.db import transaction

from example_project.shop.models import Product, VatType

CATALOGUE = [
    ("Kaffe, 500 g", 14900, VatType.MEDIUM),
    ("Kaffekopp", 19900, VatType.HIGH),
    ("Brygger, V60", 34900, VatType.HIGH),
    ("Kurs: brygging for nybegynnere", 45000, VatType.EXEMPT),
]


class Command(BaseCommand):
    help = (
        "Create the demo superuser (printing a new demo-only password), point the Site at the "
        "demo server, and add a small product catalogue. Never run this on a real site."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument("--site-url", default="http://127.0.0.1:8000")

    @transaction.atomic
    def handle(self, *args, username: str, site_url: str, **options) -> None:
        password = secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()

        domain = urlsplit(site_url).netloc
        Site.objects.update_or_create(pk=1, defaults={"domain": domain, "name": "Example shop"})

        for name, price_ore, vat_type in CATALOGUE:
            Product.objects.get_or_create(
                name=name, defaults={"price_ore": price_ore, "vat_type": vat_type}
            )
        self.stdout.write(f"username: {username}")
        self.stdout.write(f"password: {password}")

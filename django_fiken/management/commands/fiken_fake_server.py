"""``manage.py fiken_fake_server``: serve the fake Fiken over HTTP with the demo company.

The demo company's personal token is ``FIKEN["API_TOKEN"]`` when set (so this site can talk
to the fake at once: point ``FIKEN["BASE_URL"]`` at the printed API URL), else a random one.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from django_fiken.conf import fiken_settings


class Command(BaseCommand):
    help = "Serve a fake Fiken API v2 (with the demo company) for demos and multi-process tests."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--rate", type=float, default=4.0, help="requests per second per token (0: no limit)"
        )
        parser.add_argument("--no-validate", action="store_true", help="skip OpenAPI validation")
        parser.add_argument("--spec", default=None, help="path to openapi.yaml")
        parser.add_argument("--token", default=None, help="personal token for the demo company")

    def handle(self, *args, **options) -> None:
        from django_fiken.testing.server import run

        argv = ["--demo", "--host", options["host"], "--port", str(options["port"])]
        argv += ["--rate", str(options["rate"])]
        token = options["token"] or fiken_settings.API_TOKEN
        if token:
            argv += ["--token", token]
        spec = options["spec"] or fiken_settings.OPENAPI_SPEC
        if spec:
            argv += ["--spec", str(spec)]
        if options["no_validate"]:
            argv.append("--no-validate")
        run(argv, out=self.stdout)

"""A stateful fake Fiken API v2 for tests and demos, validated against Fiken's OpenAPI spec.

``FakeFiken`` holds the state; ``fake.mock()`` serves it in-process through ``responses`` and
``fake.serve()`` over real HTTP. ``RemoteFake`` drives a fake served by another process.
See ``docs/testing.md``.
"""

from .core import DEFAULT_API_BASE, DEFAULT_OAUTH_BASE, FakeFiken, Violation
from .demo import DEMO_SLUG, seed_demo
from .http import FakeRequest, FakeResponse
from .remote import RemoteFake
from .spec import SpecError

__all__ = [
    "DEFAULT_API_BASE",
    "DEFAULT_OAUTH_BASE",
    "DEMO_SLUG",
    "FakeFiken",
    "FakeRequest",
    "FakeResponse",
    "RemoteFake",
    "SpecError",
    "Violation",
    "seed_demo",
]

"""The README's first command, proven: ``demo.py --smoke`` plays the whole story and exits 0.

It starts real processes (fake Fiken HTTP server, django-q2 cluster, runserver) with its own
throw-away database, so it needs nothing from the test database: SQLite and the ORM broker in
the SQLite run of the suite, PostgreSQL and Redis in the PostgreSQL run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
DEMO = REPO_DIR / "example_project" / "demo.py"
STEPS = [
    "customer became a Fiken contact",
    "invoice issued and sent",
    "invoice settled in Fiken",
    "order marked paid",
    "smoke run passed",
]


@pytest.mark.slow
def test_demo_smoke_run_plays_the_whole_story():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEMO_", "DJANGO_"))}
    if os.environ.get("FIKEN_TEST_DB") == "postgres":
        # The PostgreSQL run of the suite plays the story the way several machines would run
        # it: PostgreSQL, django-q2 on Redis, the limiter's lock in Redis. Its own database
        # and Redis db, so a developer's demo data is left alone.
        env.update(
            DEMO_DB="postgres",
            DEMO_BROKER="redis",
            DEMO_PGDATABASE="test_fiken_demo_smoke",
            REDIS_URL="redis://127.0.0.1:6379/9",
        )
    env.setdefault("FIKEN_OPENAPI_SPEC", str(REPO_DIR.parent / "shared" / "fiken" / "openapi.yaml"))
    result = subprocess.run(
        [sys.executable, str(DEMO), "--smoke"],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=170,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    positions = [output.find(step) for step in STEPS]
    assert all(p >= 0 for p in positions), output[-6000:]
    assert positions == sorted(positions), "steps ran out of order:\n" + output[-6000:]

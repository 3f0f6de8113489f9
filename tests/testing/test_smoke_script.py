"""example_project/smoke.py: the client's short story against the served fake exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_smoke_story_runs_clean():
    result = subprocess.run(
        [sys.executable, str(REPO / "example_project" / "smoke.py")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "FIKEN_OPENAPI_SPEC": str(settings.FIKEN["OPENAPI_SPEC"])},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "issued invoice 10001" in result.stdout
    assert "sent invoice 10001 by email" in result.stdout
    assert "no request broke Fiken's OpenAPI spec" in result.stdout

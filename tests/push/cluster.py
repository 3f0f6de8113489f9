"""A real django-q2 cluster in a subprocess, pointed at the suite's test database and fake Fiken."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"


class Cluster:
    """``manage.py qcluster`` in its own process group, so it can be stopped (or SIGKILLed)."""

    def __init__(self, fiken: dict[str, Any], q_cluster: dict[str, Any] | None = None):
        self.fiken = fiken
        self.q_cluster = q_cluster or {}
        self.process: subprocess.Popen | None = None
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"qcluster-{os.getpid()}-{time.monotonic_ns()}.log"

    def start(self) -> Cluster:
        env = {
            **os.environ,
            "FIKEN_TEST_WORKER": "1",
            "FIKEN_TEST_FIKEN": json.dumps(self.fiken),
            "FIKEN_TEST_Q_CLUSTER": json.dumps(self.q_cluster),
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "django", "qcluster"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def kill(self) -> None:
        """SIGKILL the whole cluster (its own process group): no cleanup, no lease release."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # the cluster's sentinel stops its children
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def _signal(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]


def wait_for(
    predicate: Callable[[], Any],
    timeout: float = 30.0,
    what: str = "",
    cluster: Cluster | None = None,
) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail with the cluster's log."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        died = cluster is not None and cluster.process.poll() is not None
        if died or time.monotonic() > deadline:
            log = cluster.log() if cluster else ""
            reason = "The cluster exited" if died else f"Timed out after {timeout}s"
            raise AssertionError(f"{reason} waiting for {what}\n{log}")
        time.sleep(0.1)

#!/usr/bin/env python
"""Run the example shop against a local fake Fiken: one command, everything as child processes.

    python example_project/demo.py            # the demo at http://127.0.0.1:8000, Ctrl-C stops it
    python example_project/demo.py --smoke    # the whole story headless; exit 0 means it works

Steps: a fresh database and migrations, the fake Fiken HTTP server (a demo company, bank account,
personal token and OAuth client), a demo superuser and catalogue, a django-q2 cluster, and
``runserver``. Each child runs in its own process group and is stopped with it on Ctrl-C,
SIGTERM, or when any of them dies. ``--smoke`` then plays the story of ``demo_story`` and stops.

Settings come from ``example_project/settings.py``; ``DEMO_DB=postgres`` and
``DEMO_BROKER=redis`` switch to PostgreSQL and Redis (see docs/quickstart.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

EXAMPLE_DIR = Path(__file__).resolve().parent
REPO_DIR = EXAMPLE_DIR.parent
MANAGE = str(EXAMPLE_DIR / "manage.py")
DEMO_COMPANY = "fiken-demo-as"
DEMO_TOKEN = "demo-personal-token"  # Demo only: the fake Fiken knows it; it opens nothing real.
DEMO_USERNAME = "admin"
# Demo only: the OAuth client the fake Fiken is told about; real Fiken issues your own.
DEMO_OAUTH_CLIENT_ID = "example-shop"
DEMO_OAUTH_CLIENT_SECRET = "example-shop-demo-secret"


class DemoFailed(RuntimeError):
    """A step of the demo did not happen; the message says which and what to look at."""


def say(message: str) -> None:
    print(f"demo: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Child:
    """A child process in its own process group, its output copied to a log (and the screen)."""

    name: str
    process: subprocess.Popen
    log_path: Path
    pump: threading.Thread | None = None

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the leader and let it stop its own workers (qcluster hangs if its workers are
        signalled behind its back), then SIGKILL whatever is left in the group."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Demo:
    """Everything one run needs: where data lives, which ports, the children started so far."""

    data_dir: Path
    port: int
    fake_port: int
    echo: bool
    children: list[Child] = field(default_factory=list)

    @property
    def fake_url(self) -> str:
        return f"http://127.0.0.1:{self.fake_port}"

    @property
    def site_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "example_project.settings",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_DIR), env.get("PYTHONPATH")])),
                "PYTHONUNBUFFERED": "1",
                "DEMO_DATA_DIR": str(self.data_dir),
                "FIKEN_BASE_URL": f"{self.fake_url}/api/v2",
                "FIKEN_OAUTH_URL": f"{self.fake_url}/oauth",
                "FIKEN_API_TOKEN": DEMO_TOKEN,
                "FIKEN_COMPANY_SLUG": DEMO_COMPANY,
                "FIKEN_OAUTH_CLIENT_ID": DEMO_OAUTH_CLIENT_ID,
                "FIKEN_OAUTH_CLIENT_SECRET": DEMO_OAUTH_CLIENT_SECRET,
                "DEMO_SITE_URL": self.site_url,
            }
        )
        env.setdefault(
            "FIKEN_OPENAPI_SPEC", str(REPO_DIR.parent / "shared" / "fiken" / "openapi.yaml")
        )
        return env

    # -- running things -----------------------------------------------------------------------

    def manage(self, *args: str, timeout: float = 120) -> str:
        """Run ``manage.py`` to completion; its output is returned, or shown when it fails."""
        command = [sys.executable, MANAGE, *args]
        try:
            result = subprocess.run(
                command,
                env=self.env(),
                cwd=REPO_DIR,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DemoFailed(f"`manage.py {' '.join(args)}` took over {timeout:.0f} s") from None
        if result.returncode != 0:
            raise DemoFailed(
                f"`manage.py {' '.join(args)}` failed (exit {result.returncode}):\n"
                f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return result.stdout

    def start(self, name: str, args: Sequence[str]) -> Child:
        log_path = self.data_dir / "logs" / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            [sys.executable, *args],
            env=self.env(),
            cwd=REPO_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,  # its own process group: we stop it, not the terminal
        )
        child = Child(name, process, log_path)
        child.pump = threading.Thread(
            target=_pump, args=(process.stdout, log_path, name if self.echo else None), daemon=True
        )
        child.pump.start()
        self.children.append(child)
        return child

    def wait_for_port(self, child: Child, port: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if port_open(port):
                return
            if not child.alive():
                raise DemoFailed(
                    f"{child.name} exited (code {child.process.returncode}) before listening on "
                    f"port {port}:\n{child.log_tail()}"
                )
            time.sleep(0.1)
        raise DemoFailed(f"{child.name} did not listen on port {port} within {timeout:.0f} s")

    def check_children(self) -> None:
        for child in self.children:
            if not child.alive():
                raise DemoFailed(
                    f"{child.name} stopped unexpectedly (exit {child.process.returncode}); "
                    f"its log ({child.log_path}):\n{child.log_tail()}"
                )

    def stop_all(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()

    # -- the steps ------------------------------------------------------------------------------

    def prepare_database(self) -> None:
        """A fresh database each run: the fake Fiken keeps its state in memory, so must we."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.environ.get("DEMO_DB") == "postgres":
            _recreate_postgres_database(os.environ.get("DEMO_PGDATABASE", "fiken_demo"))
        else:
            for suffix in ("", "-wal", "-shm"):
                (self.data_dir / f"shop.sqlite3{suffix}").unlink(missing_ok=True)
        say("migrating the database")
        self.manage("migrate", "--no-input")
        self.manage("createcachetable")

    def start_fake_fiken(self) -> None:
        """The fake Fiken with the demo company, bank account and token, plus the OAuth client."""
        say(f"starting the fake Fiken on {self.fake_url}")
        child = self.start("fiken", [MANAGE, "fiken_fake_server", "--port", str(self.fake_port)])
        self.wait_for_port(child, self.fake_port)
        from django_fiken.testing import RemoteFake

        callback = "/accounts/fiken/login/callback/"
        RemoteFake(self.fake_url).add_oauth_client(
            DEMO_OAUTH_CLIENT_ID,
            DEMO_OAUTH_CLIENT_SECRET,
            redirect_uris=[
                self.site_url + callback,
                self.site_url.replace("127.0.0.1", "localhost") + callback,
            ],
        )
        say("pulling the demo company from Fiken, installing the pull and sweep schedules")
        self.manage("fiken_sync")
        self.manage("fiken_schedule")

    def setup_shop(self) -> str:
        """Create the demo superuser and catalogue; returns the generated password."""
        out = self.manage("demo_setup", "--username", DEMO_USERNAME, "--site-url", self.site_url)
        for line in out.splitlines():
            if line.startswith("password: "):
                return line.removeprefix("password: ").strip()
        raise DemoFailed(f"demo_setup printed no password:\n{out}")

    def start_workers(self) -> None:
        say("starting the django-q2 cluster (push and pull jobs)")
        self.start("worker", [MANAGE, "qcluster"])

    def start_web(self) -> None:
        say(f"starting runserver on {self.site_url}")
        child = self.start(
            "web", [MANAGE, "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{self.port}"]
        )
        self.wait_for_port(child, self.port, timeout=60)


def _pump(stream: IO[str], log_path: Path, prefix: str | None) -> None:
    """Copy a child's output to its log file, and to the screen with a prefix when echoing."""
    with log_path.open("a", encoding="utf-8") as log:
        for line in stream:
            log.write(line)
            log.flush()
            if prefix:
                print(f"[{prefix:>6}] {line}", end="", flush=True)


def _recreate_postgres_database(name: str) -> None:
    """Drop and create the demo database (never the test database)."""
    import psycopg
    from psycopg import sql

    params = {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "postgres"),
        "password": os.environ.get("PGPASSWORD", ""),
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def run(demo: Demo, smoke: bool) -> int:
    started = time.monotonic()
    demo.prepare_database()
    demo.start_fake_fiken()
    password = demo.setup_shop()
    demo.start_workers()
    demo.start_web()
    if smoke:
        say("running the story")
        command = [sys.executable, MANAGE, "demo_story", "--site-url", demo.site_url]
        command += ["--fake-url", demo.fake_url, "--username", DEMO_USERNAME]
        # The password goes through the environment, not the command line (ps shows that).
        env = {**demo.env(), "DEMO_ADMIN_PASSWORD": password}
        try:
            story = subprocess.run(command, env=env, cwd=REPO_DIR, timeout=100, check=False)
        except subprocess.TimeoutExpired:
            raise DemoFailed("the story took over 100 s; see its output above") from None
        demo.check_children()
        if story.returncode != 0:
            raise DemoFailed(f"the story failed (exit {story.returncode}); see its output above")
        say(f"smoke run passed in {time.monotonic() - started:.1f} s")
        return 0
    print(
        "\n"
        f"  The example shop is running: {demo.site_url}/\n"
        f"  Admin:        {demo.site_url}/admin/\n"
        f"  Login:        {DEMO_USERNAME} / {password}   (demo only; new each run)\n"
        f"  Connect page: {demo.site_url}/fiken/connection/\n"
        f"  Fake Fiken:   {demo.fake_url}/api/v2 (company {DEMO_COMPANY})\n"
        f"  Logs:         {demo.data_dir / 'logs'}\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )
    while True:
        demo.check_children()
        time.sleep(0.5)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke", action="store_true", help="run the whole story headless and exit (0 = passed)"
    )
    parser.add_argument("--port", type=int, default=8000, help="runserver port (default 8000)")
    parser.add_argument(
        "--fake-port", type=int, default=8100, help="fake Fiken port (default 8100)"
    )
    parser.add_argument("--quiet", action="store_true", help="keep child output in the logs only")
    args = parser.parse_args(argv)

    if args.smoke:
        data_dir = Path(tempfile.mkdtemp(prefix="fiken-demo-smoke-"))
        port, fake_port = free_port(), free_port()
        while fake_port == port:
            fake_port = free_port()
    else:
        data_dir = Path(os.environ.get("DEMO_DATA_DIR", EXAMPLE_DIR / ".demo"))
        port, fake_port = args.port, args.fake_port
        for wanted in (port, fake_port):
            if port_open(wanted):
                say(f"port {wanted} is in use; stop what runs there or pass --port/--fake-port")
                return 2
    demo = Demo(
        data_dir=data_dir, port=port, fake_port=fake_port, echo=not args.quiet and not args.smoke
    )
    # Ctrl-C and SIGTERM both stop the children (SIGINT explicitly: a shell may start
    # background jobs with it ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        return run(demo, smoke=args.smoke)
    except KeyboardInterrupt:
        say("stopping")
        return 0 if not args.smoke else 130
    except DemoFailed as exc:
        say(f"FAILED: {exc}")
        if args.smoke:
            for child in demo.children:
                say(f"last lines of {child.name}'s log:\n{child.log_tail(15)}")
        return 1
    finally:
        demo.stop_all()
        if args.smoke:
            if os.environ.get("DEMO_KEEP_DATA"):
                say(f"data and logs kept in {data_dir}")
            else:
                shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

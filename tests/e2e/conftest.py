"""End-to-end fixtures: the real server started the way users start it, and a real headless Chromium.

The server is ``make run`` (migrate, seed the demo data, exec gunicorn) on a free local port, with its
SQLite database in a temporary instance folder; when ``DATABASE_URL`` names a PostgreSQL server (CI),
a fresh database of its own is created on that server for the run and dropped afterwards.

The browser is Debian's Chromium driven by Playwright by path: nothing is ever downloaded.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from labels.demo.seed import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
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
START_TIMEOUT = 90.0
STOP_TIMEOUT = 15.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def e2e_database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for the e2e server when DATABASE_URL is set; None means SQLite."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    if url.get_backend_name() != "postgresql":
        raise RuntimeError(f"the e2e tests know SQLite and PostgreSQL, not {url.get_backend_name()}")
    name = f"ecoreg_e2e_{secrets.token_hex(6)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def server(tmp_path_factory, e2e_database_url) -> Iterator[str]:
    """The base URL of ecoreg started by ``make run`` on a free port, demo data seeded."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = _free_port()
    env = dict(os.environ)
    # An enclosing `make test VAR=...` passes its command-line variables down through MAKEFLAGS,
    # which would override ours in the nested make: start from a clean slate.
    for name in ("MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES", "MAKELEVEL"):
        env.pop(name, None)
    env.pop("DATABASE_URL", None)
    env.pop("ECOREG_ENV", None)
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        ECOREG_INSTANCE=str(instance),
        WORKERS="1",
        SEED_DEMO="1",
        # The browser tests log in from one address more often than a person would in a minute; the
        # login limit itself is tested over HTTP (tests/functional, the rate_limits fixture).
        LOGIN_RATE_LIMIT="300 per minute",
    )
    if e2e_database_url:
        env["DATABASE_URL"] = e2e_database_url
    log_path = instance / "server.log"
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(base_url + "/"):
            if process.poll() is not None:
                pytest.fail(
                    f"`make run` exited with status {process.returncode} before serving:\n"
                    + log_path.read_text(errors="replace"),
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`make run` did not answer GET {base_url}/ within {START_TIMEOUT:.0f} s:\n"
                    + log_path.read_text(errors="replace"),
                    pytrace=False,
                )
            time.sleep(0.25)
        yield base_url
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """Terminate make, gunicorn's arbiter and its workers: the whole process group."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)
    # gunicorn's workers may outlive make by a moment; make sure nothing of the group is left.
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, server):
    """Make fresh browser contexts (own cookies) against the server; all closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    """A page in a fresh context: no cookies, no session, default language."""
    return new_context().new_page()


@pytest.fixture(scope="session")
def login() -> Callable:
    """Log ``page`` in through the login form; returns the response to the form's POST."""

    def do(page, email: str, password: str = DEMO_PASSWORD):
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", password)
        with (
            page.expect_navigation(),
            page.expect_response(
                lambda r: r.request.method == "POST" and r.url.split("?")[0].endswith("/login")
            ) as posted,
        ):
            page.click("#login-submit")
        return posted.value

    return do

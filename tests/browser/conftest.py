"""A real server process on a real database, and a real headless Chromium.

The server is `flask run` in a subprocess on a free loopback port, with a
fresh SQLite database upgraded to head and loaded with the demo data, exactly
as `make run` does. Chromium is Debian's (CHROMIUM_PATH, set by make test),
or Playwright's own where none is installed.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mail_catcher import MailServer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the live server keeps its database and uploads."""
    return tmp_path_factory.mktemp("live")


@pytest.fixture(scope="session")
def live_app(live_server: str, live_folder: Path) -> Any:
    """The app in this process on the live server's database: the test plays a
    background worker with it (the server has no queue)."""
    from audit_app import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{live_folder / 'live.sqlite'}",
            "UPLOAD_FOLDER": str(live_folder / "uploads"),
            "SECRET_KEY": "browser-test-secret",
        }
    )


@pytest.fixture(scope="session")
def live_mail_server() -> Iterator[MailServer]:
    """The live server's own SMTP catcher (not the web tests': nothing it sends late can
    reach theirs)."""
    with MailServer() as server:
        yield server


@pytest.fixture(scope="session")
def live_server(live_folder: Path, live_mail_server: MailServer) -> Iterator[str]:
    folder = live_folder
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite'}",
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "SECRET_KEY": "browser-test-secret",
        "AUDIT_ENV": "development",
        # Every browser test signs in from one address, often as the same account;
        # the limits themselves are tested through the test client (tests/web).
        "SIGN_IN_LIMIT_PER_ADDRESS": "1000 per minute",
        "SIGN_IN_LIMIT_PER_ACCOUNT": "1000 per minute",
        # Email goes to the tests' SMTP catcher (tests/mail_catcher.py), which reads it.
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(live_mail_server.port),
        "MAIL_STARTTLS": "0",
        "MAIL_SENDER": "audit@example.org",
        "MAIL_RETRY_SECONDS": "1,1",
    }
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["demo-data"]):
        subprocess.run(flask + command, cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 (closed at teardown)
    server = subprocess.Popen(
        flask + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/sign-in", timeout=1)  # noqa: S310 (loopback)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(
                    "the app did not start: " + (folder / "server.log").read_text()
                ) from None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH") or None
    if executable is None and Path("/usr/bin/chromium").exists():
        executable = "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    # bypass_csp lets the test inject axe-core; the app's own CSP stays on for users.
    context = browser.new_context(
        base_url=live_server, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    """A 320 px wide screen, the narrowest WCAG reflow asks for."""
    context = browser.new_context(
        base_url=live_server,
        bypass_csp=True,
        viewport={"width": 320, "height": 640},
        is_mobile=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Any, email: str, password: str = "demo-password") -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.locator("#password").fill(password)
    # The form's POST always navigates (to the next page, or back with an error):
    # wait for it, so the caller never reads the sign-in page as it unloads.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def make_pdf(page: Any) -> None:
    """Press "Make the PDF" and land on its status page. The test server has no queue,
    so the button's request makes the PDF (seconds, more on a busy machine)."""
    with page.expect_navigation(url=re.compile(r".*/exports/pdf/\d+$"), timeout=90_000):
        page.get_by_role("button", name="Make the PDF").click(timeout=90_000)

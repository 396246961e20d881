"""The security headers as a browser receives them from ``dangjian serve`` (issue 15 point 6).

A real server (granian, the production settings) runs in a subprocess on a free port over a
SQLite data directory, once as installed (plain HTTP) and once with ``DANGJIAN_HTTPS=true``
behind a proxy that says ``X-Forwarded-Proto: https``. Each reads the sign-in page, signs in
through the form, then a signed-in page, an API answer and a static file.

The schema is copied from the test database (SQLite's backup API) instead of migrated anew, which
alone would take half a minute; on a PostgreSQL run the subprocess migrates its SQLite file.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest
from django.db import connection

from tests.test_cli import free_port

# The module's tests need the test database only as the source of the schema copied below.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 120
WORKERS = ["--workers", "1"]

USERNAME, PASSWORD = "header_reader", "Reads-Headers-42"
CREATE_USER = f"""
from dangjian.accounts.models import User
User.objects.create_user(username={USERNAME!r}, password={PASSWORD!r})
"""

# The directives of the Content-Security-Policy (django-csp writes them in no fixed order).
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _policy(headers: Message) -> dict[str, str]:
    directives = (
        part.strip().partition(" ") for part in (headers["Content-Security-Policy"] or "").split(";")
    )
    return {name: sources for name, _space, sources in directives if name}


def _environment(data_dir: Path, **settings: str) -> dict[str, str]:
    """A fresh installation's environment: nothing configured but the data directory."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DANGJIAN_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(DANGJIAN_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT / "src"), PYTHONUNBUFFERED="1")
    environment.update(settings)
    return environment


def _dangjian(args: list[str], environment: dict[str, str]) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "dangjian", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, f"dangjian {args[:2]}: {completed.stdout}\n{completed.stderr}"


@pytest.fixture(scope="module")
def database_file(tmp_path_factory, django_db_setup, django_db_blocker) -> Path:
    """A SQLite file with every migration applied and a user without roles."""
    directory = tmp_path_factory.mktemp("headers-db")
    path = directory / "dangjian.sqlite3"
    environment = _environment(directory)
    if connection.vendor == "sqlite":
        with django_db_blocker.unblock():
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
    else:
        _dangjian(["manage", "migrate", "--no-input", "--verbosity", "0"], environment)
    _dangjian(["manage", "shell", "-c", CREATE_USER], environment)
    return path


@dataclass
class Server:
    """``dangjian serve`` on a free port, and a client that keeps cookies by hand: Python's
    cookie jar would hold back a ``Secure`` cookie on these plain-HTTP connections."""

    url: str
    forwarded_https: bool = False
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, path: str, form: dict[str, str] | None = None) -> tuple[int, Message, str]:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        if self.forwarded_https:
            headers["X-Forwarded-Proto"] = "https"
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            scheme = "https" if self.forwarded_https else "http"
            headers["Origin"] = f"{scheme}://{urllib.parse.urlsplit(self.url).netloc}"
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            with opener.open(request, timeout=30) as response:
                status, answer, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, answer, body = error.code, error.headers, error.read()
        for cookie in answer.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return status, answer, body.decode("utf-8", "replace")

    def sign_in(self) -> Message:
        """Sign in through the form; the answer to the POST (its Set-Cookie headers)."""
        _status, _headers, page = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:500]
        status, headers, page = self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": USERNAME, "password": PASSWORD},
        )
        assert status == 302, (status, page[:500])
        return headers


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _serve(data_dir: Path, database_file: Path, **settings: str) -> Iterator[str]:
    data_dir.mkdir()
    shutil.copy(database_file, data_dir / "dangjian.sqlite3")
    port = free_port()
    log = data_dir / "server.log"
    with log.open("w") as output:  # a file, not a pipe nobody reads: the access log cannot block
        server = subprocess.Popen(
            [sys.executable, "-m", "dangjian", "serve", "--host", "127.0.0.1", "--port", str(port), *WORKERS],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=_environment(data_dir, **settings),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(url + "/static/dangjian/app.css", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def plain_server(tmp_path, database_file) -> Iterator[Server]:
    for url in _serve(tmp_path / "plain", database_file):
        yield Server(url)


@pytest.fixture
def https_server(tmp_path, database_file) -> Iterator[Server]:
    for url in _serve(tmp_path / "https", database_file, DANGJIAN_HTTPS="true"):
        yield Server(url, forwarded_https=True)


def _assert_page_headers(headers: Message) -> None:
    assert _policy(headers) == POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def _no_store(headers: Message) -> bool:
    directives = {part.strip() for part in (headers["Cache-Control"] or "").split(",")}
    return {"no-store", "private"} <= directives


def _session_cookie(sign_in_headers: Message) -> str:
    return next(cookie for cookie in sign_in_headers.get_all("Set-Cookie") if cookie.startswith("sessionid="))


def test_every_answer_carries_the_policy_and_personal_pages_are_never_stored(plain_server):
    status, headers, _page = plain_server.request("/accounts/login/")
    assert status == 200
    _assert_page_headers(headers)
    assert _no_store(headers)
    assert headers["Strict-Transport-Security"] is None

    sign_in = plain_server.sign_in()
    session = _session_cookie(sign_in)
    assert "HttpOnly" in session and "Secure" not in session  # plain HTTP as installed

    status, headers, page = plain_server.request("/")
    assert status == 200 and USERNAME in page
    _assert_page_headers(headers)
    assert _no_store(headers)

    status, headers, body = plain_server.request("/api/v1/me")
    assert status == 200 and USERNAME in body
    assert headers["Content-Type"].startswith("application/json")
    assert _no_store(headers)
    assert headers["X-Content-Type-Options"] == "nosniff"

    status, headers, _css = plain_server.request("/static/dangjian/app.css")
    assert status == 200
    assert "max-age" in headers["Cache-Control"] and not _no_store(headers)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert _policy(headers) == POLICY


def test_behind_the_https_proxy_cookies_are_secure_and_hsts_is_sent(https_server):
    status, headers, _page = https_server.request("/accounts/login/")
    assert status == 200
    _assert_page_headers(headers)
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))

    sign_in = https_server.sign_in()
    session = _session_cookie(sign_in)
    assert "Secure" in session and "HttpOnly" in session

    status, headers, page = https_server.request("/")
    assert status == 200 and USERNAME in page
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert _no_store(headers)

    # The same server reached without the proxy's word for HTTPS sends no HSTS.
    direct = Server(https_server.url)
    status, headers, _page = direct.request("/accounts/login/")
    assert status == 200 and headers["Strict-Transport-Security"] is None

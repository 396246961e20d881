"""The ``dangjian`` command as a user runs it: the demo really serves, and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from dangjian.cli import format_table

ROOT = Path(__file__).resolve().parent.parent

START_TIMEOUT_SECONDS = 240
STOP_TIMEOUT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    pending = [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def is_running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


class Demo:
    """``dangjian demo`` in a subprocess, its output collected line by line."""

    def __init__(self, data_dir: Path, port: int):
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.pop("DATABASE_URL", None)
        env["PYTHONUNBUFFERED"] = "1"
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dangjian", "demo", "--data-dir", str(data_dir), "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=data_dir.parent,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if "Press Ctrl-C to stop" in line:
                self.ready.set()
        self.ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)


def fetch(url: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode()


def test_demo_serves_the_login_page_in_chinese_and_ctrl_c_stops_every_process(tmp_path):
    port = free_port()
    demo = Demo(tmp_path / "data", port)
    try:
        assert demo.ready.wait(START_TIMEOUT_SECONDS), demo.output
        assert demo.process.poll() is None, demo.output
        assert f"http://127.0.0.1:{port}/" in demo.output
        assert "Password" in demo.output and "Username" in demo.output, demo.output
        started = descendants(demo.process.pid)
        assert len(started) >= 3, "expected granian, its workers and the task worker"

        status, content_type, page = fetch(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        assert 'lang="zh-hans"' in page.lower() or 'lang="zh-cn"' in page.lower()
        assert "登录" in page

        status, content_type, _css = fetch(f"http://127.0.0.1:{port}/static/dangjian/app.css")
        assert status == 200
        assert content_type.startswith("text/css")

        # The residents' door: printed with the port asked for, and / leads there.
        assert f"http://127.0.0.1:{port}/portal/" in demo.output
        status, _type, landing = fetch(f"http://127.0.0.1:{port}/")
        assert status == 200 and 'href="/portal/" data-door="portal"' in landing
        # The banner is the last thing printed before the server's own lines: no start-up noise
        # (the worker's first round of jobs) after it.
        banner_start = demo.output.index("dangjian is running at")
        assert not re.search(
            r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ INFO ", demo.output[banner_start:], re.M
        ), demo.output

        # A refused request logs one line, not a traceback.
        assert refused_as_resident(f"http://127.0.0.1:{port}") == 403
        deadline = time.monotonic() + 30
        while (
            "Forbidden (Permission denied): /core/audit/" not in demo.output and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        assert "Forbidden (Permission denied): /core/audit/" in demo.output, demo.output
        time.sleep(0.5)  # a traceback would follow its warning line at once
        assert "Traceback" not in demo.output, demo.output

        demo.process.send_signal(signal.SIGINT)
        assert demo.process.wait(STOP_TIMEOUT_SECONDS) == 0, demo.output
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline and any(is_running(pid) for pid in started):
            time.sleep(0.1)
        assert not [pid for pid in started if is_running(pid)], "processes left after Ctrl-C"
        assert (tmp_path / "data" / "dangjian.sqlite3").exists()
    finally:
        if demo.process.poll() is None:
            demo.process.kill()
            demo.process.wait()


def refused_as_resident(base: str) -> int:
    """Sign in as the demo's resident (no staff rights) and open the audit log: the status."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/accounts/login/", timeout=30) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "jumin", "password": "dangjian-demo-2026"}
    ).encode()
    login = urllib.request.Request(
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(login, timeout=30).close()
    try:
        with opener.open(f"{base}/core/audit/", timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def own_env(data_dir: Path) -> dict[str, str]:
    """The environment of a fresh installation: SQLite in ``data_dir``, nothing else configured."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(DANGJIAN_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1")
    return env


def wait_for_line(process: subprocess.Popen, text: str, lines: list[str]) -> bool:
    for line in process.stdout:
        lines.append(line)
        if text in line:
            return True
    return False


def test_serve_migrates_collects_static_files_and_stops_on_sigterm(tmp_path):
    port = free_port()
    data_dir = tmp_path / "data"
    command = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--migrate"]
    server = subprocess.Popen(
        [sys.executable, "-m", "dangjian", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=own_env(data_dir),
    )
    lines: list[str] = []
    reader = threading.Thread(target=wait_for_line, args=(server, "never printed", lines), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _type, page = fetch(f"http://127.0.0.1:{port}/accounts/login/")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, "".join(lines)
        assert 'name="password"' in page
        assert (data_dir / "static" / "dangjian" / "app.css").exists()
        # Owner-only (docs/security.md "Files on disk"): database, keys, static files, the marker.
        assert (data_dir / ".owner-only").is_file()
        loose = [
            p for p in [data_dir, *data_dir.rglob("*")] if not p.is_symlink() and p.lstat().st_mode & 0o077
        ]
        assert not loose, loose[:5]
        status, content_type, _css = fetch(f"http://127.0.0.1:{port}/static/dangjian/app.css")
        assert status == 200 and content_type.startswith("text/css")
        started = descendants(server.pid) | {server.pid}

        server.send_signal(signal.SIGTERM)
        server.wait(STOP_TIMEOUT_SECONDS)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline and any(is_running(pid) for pid in started):
            time.sleep(0.1)
        assert not [pid for pid in started if is_running(pid)], "server processes left after SIGTERM"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_worker_stops_cleanly_on_sigterm(tmp_path):
    env = own_env(tmp_path / "data")
    migrate = subprocess.run(
        [sys.executable, "-m", "dangjian", "manage", "migrate", "--no-input"],
        capture_output=True,
        text=True,
        env=env,
        timeout=START_TIMEOUT_SECONDS,
    )
    assert migrate.returncode == 0, migrate.stderr
    worker = subprocess.Popen(
        [sys.executable, "-m", "dangjian", "worker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    try:
        assert wait_for_line(worker, "Enqueued periodic job dangjian.core.tasks.check_calendar_years", lines)

        worker.send_signal(signal.SIGTERM)

        assert worker.wait(STOP_TIMEOUT_SECONDS) == 0
        lines += worker.stdout.readlines()
        assert "Worker stopped." in "".join(lines)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


def test_manage_passes_its_arguments_to_django(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dangjian", "manage", "check", "--fail-level", "ERROR"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dangjian.settings", "DANGJIAN_DATA_DIR": str(tmp_path)},
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified" in result.stdout


def readme_environment_variables() -> set[str]:
    """The names in the README's configuration table (``…_END_HOUR`` after ``…_START_HOUR`` in a
    cell expands to the full name), and any DANGJIAN_* named elsewhere in the README."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        previous = ""
        for name in re.findall(r"`([^`]+)`", line.split("|")[1]):
            if name.startswith("…"):
                suffix = name[1:]
                name = "_".join(previous.split("_")[: -suffix.count("_")]) + suffix
            names.add(name)
            previous = name
    names |= set(re.findall(r"\bDANGJIAN_[A-Z0-9_]*[A-Z0-9]\b", readme))
    return names


def test_help_lists_the_commands_and_every_environment_variable_of_the_readme_on_one_line_each():
    result = subprocess.run(
        [sys.executable, "-m", "dangjian", "--help"], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0
    for command in ["demo", "serve", "generate", "worker", "manage"]:
        assert command in result.stdout
    documented = readme_environment_variables()
    assert {
        "DANGJIAN_DATA_DIR",
        "DATABASE_URL",
        "REDIS_URL",
        "DANGJIAN_SERVICE_OFFICE_END_HOUR",
    } <= documented
    environment = result.stdout.split("environment:\n", 1)[1].splitlines()
    listed = {}
    for line in environment:
        match = re.fullmatch(r"  ([A-Z][A-Z0-9_]+) +(\S.*)", line)
        assert match, f"not one variable with its meaning on one line: {line!r}"
        listed[match.group(1)] = match.group(2)
    assert set(listed) == documented
    assert all("(default: " in meaning for meaning in listed.values())


def display_column(line: str, text: str) -> int:
    before = line[: line.index(text)]
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in before)


def test_the_login_table_lines_up_columns_after_chinese_role_names():
    table = format_table(["角色", "用户名"], [["社区书记", "secretary"], ["网格员", "grid"]]).splitlines()

    assert display_column(table[2], "secretary") == display_column(table[3], "grid")


def test_generate_builds_the_demo_data_once_and_then_refuses_politely(tmp_path):
    env = own_env(tmp_path / "data")
    command = [sys.executable, "-m", "dangjian"]
    subprocess.run([*command, "manage", "migrate", "--no-input"], env=env, check=True, capture_output=True)

    first = subprocess.run(
        [*command, "generate", "--scale", "community", "--seed", "7"], env=env, capture_output=True, text=True
    )
    second = subprocess.run(
        [*command, "generate", "--scale", "community"], env=env, capture_output=True, text=True
    )

    assert first.returncode == 0, first.stderr
    assert second.returncode == 1
    assert second.stderr.startswith("dangjian generate: ")
    assert "Traceback" not in second.stderr

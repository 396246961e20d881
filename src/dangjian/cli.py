"""The ``dangjian`` command: a one-command demo, the production server, the worker and Django management.

``dangjian demo`` gives a working platform on one machine (SQLite in a data directory, demo
data, a production server and the background worker); ``dangjian serve`` and ``dangjian
worker`` are what systemd runs in production (see docs/deployment.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from dangjian.core.data_dir import OWNER_ONLY_UMASK

SETTINGS_MODULE = "dangjian.settings"
WSGI_TARGET = "dangjian.wsgi:application"
DEMO_WORKERS = 2
READY_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 10

# Every environment variable the README's configuration table documents, one line each in
# ``--help`` (tests/test_cli.py compares the two): (name, meaning, default).
ENVIRONMENT: list[tuple[str, str, str]] = [
    (
        "DANGJIAN_DATA_DIR",
        "data directory: SQLite database, generated keys, uploads, static files",
        "./dangjian-data",
    ),
    (
        "DATABASE_URL",
        "database, e.g. postgres://user:pass@host:5432/dangjian",
        "SQLite in the data directory",
    ),
    (
        "REDIS_URL",
        "shared cache, sessions and task queue (RQ), e.g. redis://127.0.0.1:6379/0",
        "local memory",
    ),
    ("DANGJIAN_SECRET_KEY", "Django secret key", "generated into the data directory"),
    (
        "DANGJIAN_ENCRYPTION_KEY",
        "Fernet key(s) for ID numbers and phones, comma-separated; the first encrypts",
        "generated; back it up",
    ),
    (
        "DANGJIAN_LOOKUP_KEY",
        "key of the hashes that find people by ID number or phone; never changes",
        "generated; back it up",
    ),
    ("DANGJIAN_ALLOWED_HOSTS", "host names served, comma-separated", "127.0.0.1,localhost"),
    (
        "DANGJIAN_CSRF_TRUSTED_ORIGINS",
        "origins allowed to post forms behind a proxy, e.g. https://dj.example.gov.cn",
        "none",
    ),
    ("DANGJIAN_TRUST_PROXY", "trust X-Forwarded-For from your own reverse proxy", "false"),
    ("DANGJIAN_SESSION_IDLE_MINUTES", "minutes without activity after which a session ends", "480"),
    ("DANGJIAN_REAUTH_MINUTES", "minutes a password confirmation covers reveals and exports", "15"),
    (
        "DANGJIAN_TOTP_REQUIRED_FOR",
        "built-in role codes whose holders must enrol an authenticator app",
        "empty",
    ),
    ("DANGJIAN_SIGNIN_FAILURES_PER_IP", "failed sign-ins from one address before it waits", "30"),
    ("DANGJIAN_SIGNIN_IP_WINDOW_MINUTES", "the window of that count, in minutes", "15"),
    ("DANGJIAN_PASSWORD_MIN_LENGTH", "shortest password accepted", "10"),
    (
        "DANGJIAN_PRIVACY_RETENTION_DAYS",
        "days each kind of record keeps personal data before the purge, key=days,…",
        "service.requests=1095,…",
    ),
    (
        "DANGJIAN_HTTPS",
        "served over HTTPS by the reverse proxy (sets X-Forwarded-Proto): Secure cookies, HSTS",
        "false",
    ),
    ("DANGJIAN_HSTS_SECONDS", "HSTS lifetime with DANGJIAN_HTTPS (0 turns HSTS off)", "31536000"),
    ("DANGJIAN_HTTPS_REDIRECT", "with DANGJIAN_HTTPS, redirect plain HTTP to HTTPS in the app", "false"),
    (
        "DANGJIAN_TILE_URL",
        "map tile URL template (天地图 or an intranet server)",
        "none: grids on a blank canvas",
    ),
    (
        "DANGJIAN_PUBLIC_URL",
        "the address residents reach the platform at, for links in text messages",
        "none",
    ),
    (
        "DANGJIAN_SMS_BACKEND",
        "import path of a send(phone, text) function for codes, rating invitations and notices",
        "write them to the log",
    ),
    ("DANGJIAN_EMAIL_HOST", "SMTP server for notices by e-mail", "none: e-mails go to the log"),
    ("DANGJIAN_EMAIL_PORT", "SMTP port", "587"),
    ("DANGJIAN_EMAIL_USER", "SMTP user name", "none"),
    ("DANGJIAN_EMAIL_PASSWORD", "SMTP password", "none"),
    ("DANGJIAN_EMAIL_TLS", "STARTTLS on the SMTP connection", "true"),
    ("DANGJIAN_EMAIL_SSL", "implicit TLS (port 465) instead of STARTTLS", "false"),
    ("DANGJIAN_EMAIL_FROM", "sender address of notice e-mails", "dangjian@localhost"),
    (
        "DANGJIAN_SERVICE_EARLY_MARGIN_HOURS",
        "提前办结: resolved at least this many hours before the deadline",
        "24",
    ),
    ("DANGJIAN_SERVICE_RATING_INVITE_DAYS", "days after 办结 the resident is invited to rate", "3"),
    ("DANGJIAN_SERVICE_OFFICE_START_HOUR", "hour office hours start, for working-hour time limits", "9"),
    ("DANGJIAN_SERVICE_OFFICE_END_HOUR", "hour office hours end", "17"),
    ("DANGJIAN_TRANSFER_VALID_DAYS", "days a transfer letter (组织关系介绍信) stays valid", "90"),
    ("DANGJIAN_DEBUG", "Django debug mode; never in production", "false"),
]


def _environment_help() -> str:
    width = max(len(name) for name, _meaning, _default in ENVIRONMENT) + 2
    lines = [f"  {name:<{width}}{meaning} (default: {default})" for name, meaning, default in ENVIRONMENT]
    return "environment:\n" + "\n".join(lines) + "\n"


ENVIRONMENT_HELP = _environment_help()


def _setup_django() -> None:
    """Load the settings; everything that must be in the environment before this is set by now."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


# --- demo -----------------------------------------------------------------------------------


def _set_parent_death_signal() -> None:
    """Ask Linux to SIGTERM a child when the demo process dies, even by SIGKILL (no orphans)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table whose columns line up with Chinese text in a terminal."""
    widths = [max(_display_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(_pad(str(cell), width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _demo_logins() -> list[tuple[str, str, str, str]]:
    try:
        from dangjian.core.generator import DEMO_LOGINS
    except ImportError:
        return []
    return list(DEMO_LOGINS)


def _build_demo_data() -> None:
    from django.core.management import get_commands

    if "generate" not in get_commands():
        print("The demo data generator is not available in this version; the database stays empty.")
        print("Create an administrator with: dangjian manage createsuperuser")
        return
    print("Building the demo data (community scale) if the database is empty…", flush=True)
    _call("generate", "--scale", "community", "--if-empty")


def _wait_until_answering(url: str, children: Sequence[subprocess.Popen]) -> bool:
    """Poll ``url`` until the server gives any HTTP answer; False if a child died or time ran out."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def _stop_group(pgid: int, children: Sequence[subprocess.Popen]) -> None:
    """Stop every process of the demo's process group: SIGTERM, then SIGKILL after a grace period."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for child in children:
            child.poll()
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    for child in children:
        child.wait()


def _run_first_worker_round(env: dict[str, str]) -> None:
    """Run the periodic jobs' first round (reminders, overdue marks, rating invitations …) before
    the server starts, so its log lines come before the banner instead of burying it."""
    print("Running the background jobs once…", flush=True)
    subprocess.run([sys.executable, "-m", "dangjian", "manage", "worker", "--once"], env=env, check=False)


def _quiet_worker_env(env: dict[str, str]) -> dict[str, str]:
    """The demo's worker logs warnings only (unless DANGJIAN_LOG_LEVEL says otherwise): a line per
    task every few minutes would scroll the banner away, while the text messages a resident
    needs (verification codes, rating links: warnings of ``dangjian.sms``) still show."""
    return {**env, "DANGJIAN_LOG_LEVEL": os.environ.get("DANGJIAN_LOG_LEVEL", "WARNING")}


def demo_banner(url: str, logins: Sequence[Sequence[str]]) -> str:
    """What the demo prints once the server answers: the two doors (residents' portal, staff
    login), the logins of the demo users, and where the demo's text messages appear."""
    doors = format_table(
        ["入口 Entrance", "地址 Address"],
        [
            ["居民服务 Residents' portal (no account)", f"{url}portal/"],
            ["工作人员登录 Staff login", f"{url}accounts/login/"],
        ],
    )
    lines = ["", f"dangjian is running at {url}", "", doors]
    if logins:
        lines += [
            "",
            format_table(["角色 Role", "用户名 Username", "密码 Password", "说明 Description"], logins),
        ]
    lines += [
        "",
        "No text message leaves the demo: a resident's verification code and rating link appear below",
        "as a log line (dangjian.sms).",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


class _Stop(Exception):
    """Raised by the signal handler to leave the supervision loop."""


def _raise_stop(signum, frame) -> None:
    raise _Stop(signal.strsignal(signum))


def demo(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    os.environ["DANGJIAN_DATA_DIR"] = str(data_dir)
    # The demo is self-contained: SQLite (WAL) in its data directory, local cache.
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    print(f"Data directory: {data_dir}", flush=True)
    _setup_django()
    _call("secure_data_dir", "--once")
    _call("migrate", "--no-input", "--verbosity", "0")
    # whitenoise can serve from the finders, but a collected copy in the data directory is
    # what production does and gives the files their compressed variants.
    _call("collectstatic", "--no-input", "--verbosity", "0")
    _build_demo_data()
    from django.db import connections

    connections.close_all()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE}
    _run_first_worker_round(env)

    signal.signal(signal.SIGINT, _raise_stop)
    signal.signal(signal.SIGTERM, _raise_stop)
    server_command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(DEMO_WORKERS),
        # A few threads per process suit a SQLite demo; granian's own start-up notices are hidden.
        "--blocking-threads",
        "4",
        "--log-level",
        "error",
        WSGI_TARGET,
    ]
    children: list[subprocess.Popen] = []
    pgid = 0
    try:
        # Children get a process group of their own: the demo stops the whole group, which
        # also reaches granian's worker processes.
        server = subprocess.Popen(
            server_command, env=env, process_group=0, preexec_fn=_set_parent_death_signal
        )
        children.append(server)
        pgid = server.pid
        worker = subprocess.Popen(
            [sys.executable, "-m", "dangjian", "worker"],
            env=_quiet_worker_env(env),
            process_group=pgid,
            preexec_fn=_set_parent_death_signal,
        )
        children.append(worker)
        shown_host = "127.0.0.1" if args.host in {"0.0.0.0", "::"} else args.host
        url = f"http://{shown_host}:{args.port}/"
        if not _wait_until_answering(url + "accounts/login/", children):
            print(f"The server did not start on {url}; see the messages above.", file=sys.stderr)
            return 1
        print(demo_banner(url, _demo_logins()), flush=True)
        while True:
            for child in children:
                if child.poll() is not None:
                    print(f"A demo process ended unexpectedly ({child.args[2]}).", file=sys.stderr)
                    return 1
            time.sleep(0.5)
    except _Stop as stop:
        print(f"\n{stop}: stopping…", flush=True)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if pgid:
            _stop_group(pgid, children)
        print("Stopped.", flush=True)


# --- serve ----------------------------------------------------------------------------------


def _unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def serve(args: argparse.Namespace) -> int:
    _setup_django()
    # Once per data directory: files an earlier version left readable by others become owner-only.
    _call("secure_data_dir", "--once")
    _call("collectstatic", "--no-input", "--verbosity", "0")
    pending = _unapplied_migrations()
    if pending and args.migrate:
        _call("migrate", "--no-input")
    elif pending:
        print(
            f"WARNING: {len(pending)} database migration(s) are not applied ({', '.join(pending[:5])}…). "
            "Run `dangjian manage migrate` or start with `dangjian serve --migrate`.",
            file=sys.stderr,
            flush=True,
        )
    from django.db import connections

    connections.close_all()
    workers = args.workers or os.cpu_count() or 1
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--workers",
        str(workers),
        "--access-log",
        "--respawn-failed-workers",
        WSGI_TARGET,
    ]
    sys.stdout.flush()
    # Replace this process, so systemd's signals and exit status are granian's own.
    os.execv(sys.executable, command)
    return 0  # not reached


# --- the thin commands ----------------------------------------------------------------------


def manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dangjian manage", *args.arguments])
    return 0


def generate(args: argparse.Namespace) -> int:
    _setup_django()
    options = ["generate", "--scale", args.scale]
    if args.seed is not None:
        options += ["--seed", str(args.seed)]
    _call(*options)
    return 0


def backup(args: argparse.Namespace) -> int:
    _setup_django()
    _call("backup", "--output", args.output)
    return 0


def restore(args: argparse.Namespace) -> int:
    _setup_django()
    _call("restore", args.backup)
    return 0


def worker(args: argparse.Namespace) -> int:
    _setup_django()
    _call("worker")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dangjian",
        description="dangjian: grassroots party building and community service platform (智慧党建 + 网格治理).",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    demo_parser = commands.add_parser(
        "demo",
        help="run a self-contained demo: SQLite, demo data, server and worker",
        description="Migrate, build the demo data once, and run the server and worker until Ctrl-C.",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo_parser.add_argument("--data-dir", default="./dangjian-data", help="default: ./dangjian-data")
    demo_parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    demo_parser.add_argument("--port", type=int, default=8000, help="default: 8000")
    demo_parser.set_defaults(handler=demo)

    serve_parser = commands.add_parser(
        "serve",
        help="run the production web server (granian, WSGI)",
        description="Collect static files, check migrations and run granian; settings come from the environment.",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve_parser.add_argument("--host", default="0.0.0.0", help="default: 0.0.0.0")
    serve_parser.add_argument("--port", type=int, default=8000, help="default: 8000")
    serve_parser.add_argument("--workers", type=int, default=None, help="default: the number of CPUs")
    serve_parser.add_argument("--migrate", action="store_true", help="apply pending migrations first")
    serve_parser.set_defaults(handler=serve)

    manage_parser = commands.add_parser(
        "manage", help="run a Django management command", add_help=False, prefix_chars="\0"
    )
    manage_parser.add_argument("arguments", nargs=argparse.REMAINDER)
    manage_parser.set_defaults(handler=manage)

    generate_parser = commands.add_parser("generate", help="generate demo or benchmark data at a named scale")
    generate_parser.add_argument("--scale", choices=["community", "district", "city"], required=True)
    generate_parser.add_argument("--seed", type=int, default=None)
    generate_parser.set_defaults(handler=generate)

    backup_parser = commands.add_parser(
        "backup", help="back up the database and uploaded files (consistent while running; keys kept apart)"
    )
    backup_parser.add_argument("--output", required=True, help="directory to write the backup under")
    backup_parser.set_defaults(handler=backup)

    restore_parser = commands.add_parser(
        "restore", help="restore a backup into an empty database and verify every table and file"
    )
    restore_parser.add_argument("backup", help="the backup directory written by dangjian backup")
    restore_parser.set_defaults(handler=restore)

    worker_parser = commands.add_parser(
        "worker", help="run background tasks and the periodic scheduler until SIGTERM"
    )
    worker_parser.set_defaults(handler=worker)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Before anything is written: every file and directory this process and its children (the
    # server's workers, the demo's worker) create is owner-only (core/data_dir.py).
    os.umask(OWNER_ONLY_UMASK)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        # Ctrl-C during migrate or generate, before the demo supervises its processes.
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except Exception as error:
        # A management command's refusal (e.g. generating into a full database) is a message
        # for the operator, not a traceback.
        from django.core.management import CommandError

        if isinstance(error, CommandError):
            print(f"dangjian {args.command}: {error}", file=sys.stderr)
            return 1
        raise

"""The soak with faults: a realistic mix of users for N minutes while the database restarts and
the worker is killed, then a count in the database of what the clients were told succeeded.

It runs everything privately: its own PostgreSQL cluster (port 5441, a socket in its own
directory; never the shared server on 5432), its own data directory, Redis database 9 (never
0), ``dangjian serve`` and ``dangjian worker``. See bench/README.md, "Soak with faults", and the
figures in docs/operations.md, "Faults".

    PYTHONPATH=src .venv/bin/python bench/soak.py --minutes 10

Clients (threads, each with its own HTTP session): residents submit through Open311 and track
their requests; a grid worker registers patrol requests through the API; handlers (the community
secretary, the street secretary, a department's handler) take each request through accept →
dispatch → start → feedback → approve; the community secretary records meeting attendance
(签到) and dues payments. A client retries a failed call as a person would, with what the
platform offers to make that safe: a transition sends the version it saw (409 if it already
happened), a payment is one per member and month, attendance is set rather than added, and a
submission carries a unique marker in its text so that a doubled one is seen in the count.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_DIR = Path("/tmp/dangjian-soak")
PORT_PG = 5441
PORT_APP = 8765
REDIS_URL = "redis://127.0.0.1:6379/9"
MARKER = "soak"
TIMEOUT = 15
# A client gives up on one operation after this long of failures (then it counts as failed).
GIVE_UP_SECONDS = 90
HANDLER_USERS = ("sq_shuji", "jd_shuji", "bm_handler")
FLOW = ("accept", "dispatch", "start", "feedback", "approve")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the private PostgreSQL cluster ------------------------------------------------------------


def _pg_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not candidates:
        sys.exit("PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are needed.")
    return candidates[-1].parent


class Cluster:
    """A PostgreSQL cluster of our own; as root it runs as ``postgres`` (initdb refuses root)."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory = directory
        self.data = directory / "pgdata"
        self.port = port
        self.bin = _pg_bin()

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(self.bin / command[0]), *command[1:]]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        # Into a file, not a pipe: a server started by pg_ctl would hold a pipe open for ever.
        with (self.directory.parent / "pg_ctl.log").open("ab") as out:
            return subprocess.run(argv, check=check, stdout=out, stderr=subprocess.STDOUT)

    def init(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")

    def start(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w",
            "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1", "start",
        )  # fmt: skip

    def restart(self) -> float:
        """``pg_ctl restart -m fast`` (every connection is cut); seconds until it accepts again."""
        began = time.monotonic()
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-m", "fast",
                  "-w", "restart", "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1")  # fmt: skip
        return time.monotonic() - began

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def createdb(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-T", "template0", "--locale=C.UTF-8", "-E", "UTF8", name)  # fmt: skip


# --- the platform's processes ------------------------------------------------------------------


def platform_env(directory: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="dangjian.settings",
        DANGJIAN_DATA_DIR=str(directory / "data"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PORT_PG}/soak",
        REDIS_URL=REDIS_URL,
        DANGJIAN_LOG_LEVEL="WARNING",
        # The soak's residents submit far more than a real 12345 link an hour.
        DANGJIAN_SERVICE_OPEN311_POSTS_PER_HOUR="1000000",
    )
    return env


class Process:
    """A child in its own process group (``kill -9`` of the group takes its children too)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.name, self.argv, self.env, self.log_path = name, argv, env, log_path
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        out = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen is not None and self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=15)


# --- setting up the data -----------------------------------------------------------------------


def setup_data(env: dict[str, str], meetings: int) -> dict:
    """Tokens, an Open311 key, meetings with expected attendees and unpaid dues months; in-process."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections
    from django.utils import timezone

    from dangjian.accounts.models import RoleAssignment, User
    from dangjian.accounts.tokens import issue_token
    from dangjian.dues.models import DuesPayment
    from dangjian.dues.services import amount_due
    from dangjian.life.models import Attendance
    from dangjian.life.services import schedule_meeting
    from dangjian.members.models import PartyMember
    from dangjian.orgs.choices import AreaKind
    from dangjian.orgs.models import Area
    from dangjian.service.models import Category
    from dangjian.service.open311 import issue_key

    tokens = {}
    for username in ("wgy", *HANDLER_USERS):
        user = User.objects.get(username=username)
        tokens[username] = issue_token(user, "soak", by=user)[1]
    _key, open311_key = issue_key("soak")
    secretary = User.objects.get(username="sq_shuji")
    # The grid worker registers in the grids of their post; residents name any grid.
    posts = [assignment.area.path for assignment in RoleAssignment.objects.filter(
        user__username="wgy", area__isnull=False).select_related("area")]  # fmt: skip
    grids = Area.objects.filter(kind=AreaKind.GRID)
    grid_ids = [area.pk for area in grids if any(area.path.startswith(path) for path in posts)]
    grid_names = list(grids.values_list("name", flat=True))
    active = list(Category.objects.filter(is_active=True))
    parents = {category.path[: -category.steplen] for category in active}
    categories = [category.pk for category in active if category.path not in parents]  # the leaves
    visible = PartyMember.objects.visible_to(secretary, "life.add_meeting").filter(is_active=True)
    orgs = sorted({member.org for member in visible.select_related("org")}, key=lambda org: org.pk)
    now = timezone.now()
    attendance: list[tuple[int, int]] = []
    for n in range(meetings):
        org = orgs[n % len(orgs)]
        meeting = schedule_meeting(
            org,
            by=secretary,
            kind="branch_general",
            title=f"{MARKER} 支部党员大会 {n}",
            starts_at=now - datetime.timedelta(hours=3),
            ends_at=now - datetime.timedelta(hours=2),
            place="党群服务中心",
        )
        attendance += list(Attendance.objects.filter(meeting=meeting).values_list("meeting_id", "member_id"))
    paid = set(DuesPayment.objects.values_list("member_id", "month"))
    this_month = timezone.localdate().replace(day=1)
    months = [this_month]
    for _ in range(11):
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    payments: list[tuple[int, str, str]] = []
    members = PartyMember.objects.visible_to(secretary, "dues.add_duespayment").filter(is_active=True)
    for member in members.select_related("org", "person")[:200]:
        for month in months:
            if (member.pk, month) in paid:
                continue
            due = amount_due(member, month)
            if due.owed and due.amount is not None:
                payments.append((member.pk, month.isoformat(), str(due.amount + 1)))
    random.shuffle(attendance)
    random.shuffle(payments)
    connections.close_all()
    return {
        "tokens": tokens,
        "open311_key": open311_key,
        "grids": grid_ids,
        "grid_names": grid_names,
        "categories": categories,
        "attendance": attendance,
        "payments": payments,
    }


# --- what the clients saw ----------------------------------------------------------------------


@dataclass
class Ledger:
    """What every client did and was told, shared by the threads (one lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    operations: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    error_times: list[float] = field(default_factory=list)
    gave_up: Counter = field(default_factory=Counter)
    submitted: dict[str, str] = field(default_factory=dict)  # marker → "confirmed" | "unknown"
    transitions: set[tuple[int, str]] = field(default_factory=set)
    checkins: set[tuple[int, int]] = field(default_factory=set)
    checkins_tried: set[tuple[int, int]] = field(default_factory=set)
    payments: set[tuple[int, str]] = field(default_factory=set)
    payments_tried: set[tuple[int, str]] = field(default_factory=set)
    retried_ok: Counter = field(default_factory=Counter)
    error_bodies: Counter = field(default_factory=Counter)

    def count(self, kind: str) -> None:
        with self.lock:
            self.operations[kind] += 1

    def error(self, kind: str, what: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            self.error_times.append(time.monotonic())
            self.error_bodies[what[:120]] += 1


class Client(threading.Thread):
    """One user; ``call`` retries a failing operation like a person pressing the button again."""

    def __init__(self, name: str, base: str, ledger: Ledger, stop: threading.Event, token: str = "") -> None:
        super().__init__(name=name, daemon=True)
        self.base, self.ledger, self.stop = base, ledger, stop
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.random = random.Random(name)

    def call(
        self, kind: str, method: str, path: str, accept=(200, 201), **kwargs
    ) -> requests.Response | None:
        """The answer once it is not a fault (5xx or no answer); None after GIVE_UP_SECONDS."""
        began = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(method, self.base + path, timeout=TIMEOUT, **kwargs)
                if response.status_code < 500:
                    if attempt > 1:
                        with self.ledger.lock:
                            self.ledger.retried_ok[kind] += 1
                    return response
                self.ledger.error(kind, f"{response.status_code} {response.text[:100]}")
            except requests.RequestException as error:
                self.ledger.error(kind, type(error).__name__)
            if time.monotonic() - began > GIVE_UP_SECONDS:
                with self.ledger.lock:
                    self.ledger.gave_up[kind] += 1
                return None
            time.sleep(min(0.5 * attempt, 3))

    def pause(self) -> None:
        time.sleep(self.random.uniform(0.2, 1.0))

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.step()
            except Exception as error:  # a bug of the soak itself: say so and go on
                self.ledger.error("client", f"{type(error).__name__}: {error}")
                time.sleep(1)
            self.pause()

    def step(self) -> None:
        raise NotImplementedError


class Resident(Client):
    """Reports through Open311 (what a 12345 link or a WeChat front end sends) and tracks it."""

    def __init__(self, *args, data: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.data = data
        self.codes: list[str] = []
        services = self.session.get(self.base + "/open311/v2/services.json", timeout=TIMEOUT).json()
        self.service_codes = [service["service_code"] for service in services]

    def step(self) -> None:
        if self.codes and self.random.random() < 0.5:
            code = self.random.choice(self.codes)
            self.call("track", "GET", f"/portal/track/{code}/")
            self.ledger.count("track")
            return
        marker = f"{MARKER}-{uuid.uuid4().hex[:12]}"
        with self.ledger.lock:
            self.ledger.submitted[marker] = "unknown"
        response = self.call(
            "report",
            "POST",
            "/open311/v2/requests.json",
            data={
                "api_key": self.data["open311_key"],
                "service_code": self.random.choice(self.service_codes),
                "description": f"楼道灯坏了，晚上看不见路。{marker}",
                "address_string": self.random.choice(self.data["grid_names"]),
                "phone": "13900000000",
            },
            # A resend after a lost answer gets the request already made (not a second one).
            headers={"Idempotency-Key": marker},
        )
        self.ledger.count("report")
        if response is not None and response.status_code == 200:
            with self.ledger.lock:
                self.ledger.submitted[marker] = "confirmed"
            self.codes.append(response.json()[0]["service_request_id"])
        elif response is not None:
            self.ledger.error("report", f"{response.status_code} {response.text[:100]}")


class GridWorker(Client):
    """Registers what they find on patrol through the API, and looks at the list."""

    def __init__(self, *args, data: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.data = data

    def step(self) -> None:
        if self.random.random() < 0.3:
            self.call("list", "GET", "/api/v1/service/requests?limit=20")
            self.ledger.count("list")
            return
        marker = f"{MARKER}-{uuid.uuid4().hex[:12]}"
        with self.ledger.lock:
            self.ledger.submitted[marker] = "unknown"
        response = self.call(
            "patrol",
            "POST",
            "/api/v1/service/requests",
            json={
                "category_id": self.random.choice(self.data["categories"]),
                "description": f"巡查发现：垃圾桶满溢。{marker}",
                "source": "patrol",
                "area_id": self.random.choice(self.data["grids"]),
            },
            headers={"Idempotency-Key": marker},
        )
        self.ledger.count("patrol")
        if response is not None and response.status_code == 201:
            with self.ledger.lock:
                self.ledger.submitted[marker] = "confirmed"
        elif response is not None:
            self.ledger.error("patrol", f"{response.status_code} {response.text[:100]}")


class Handler(Client):
    """Takes the soak's requests one step along accept → dispatch → start → feedback → approve."""

    def __init__(self, *args, data: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.data = data

    def step(self) -> None:
        states = "&".join(
            f"state={state}" for state in ("reported", "accepted", "dispatched", "in_progress", "feedback")
        )
        response = self.call("queue", "GET", f"/api/v1/service/requests?limit=50&{states}")
        self.ledger.count("queue")
        if response is None or response.status_code != 200:
            return
        items = list(response.json().get("items", []))
        self.random.shuffle(items)
        for item in items[:3]:
            detail = self.call("detail", "GET", f"/api/v1/service/requests/{item['id']}")
            self.ledger.count("detail")
            if detail is None or detail.status_code != 200:
                continue
            body = detail.json()
            if f"{MARKER}-" not in body.get("description", ""):
                continue  # the generated requests are left to the demo's own story
            action = next((name for name in FLOW if name in body["actions"]), None)
            if action is None:
                continue
            payload = {"version": body["version"], "note": "处理中", "resolution": "已修复并回访居民。"}
            answer = self.call(
                "transition", "POST", f"/api/v1/service/requests/{item['id']}/{action}", json=payload
            )
            self.ledger.count("transition")
            if answer is not None and answer.status_code == 200:
                with self.ledger.lock:
                    self.ledger.transitions.add((item["id"], action))


class Secretary(Client):
    """Records attendance (签到) of meetings held and dues paid, one member at a time."""

    def __init__(self, *args, data: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.attendance = list(data["attendance"])
        self.payments = list(data["payments"])

    def step(self) -> None:
        if self.attendance and (not self.payments or self.random.random() < 0.5):
            meeting_id, member_id = self.attendance.pop()
            with self.ledger.lock:
                self.ledger.checkins_tried.add((meeting_id, member_id))
            response = self.call(
                "checkin",
                "POST",
                f"/api/v1/life/meetings/{meeting_id}/attendance",
                json=[{"member_id": member_id, "status": "present"}],
            )
            self.ledger.count("checkin")
            if response is not None and response.status_code == 200:
                with self.ledger.lock:
                    self.ledger.checkins.add((meeting_id, member_id))
            elif response is not None:
                self.ledger.error("checkin", f"{response.status_code} {response.text[:100]}")
        elif self.payments:
            member_id, month, amount = self.payments.pop()
            with self.ledger.lock:
                self.ledger.payments_tried.add((member_id, month))
            response = self.call(
                "payment",
                "POST",
                "/api/v1/dues/payments",
                json={"member_id": member_id, "month": month, "amount_paid": amount, "method": "cash"},
            )
            self.ledger.count("payment")
            if response is not None and response.status_code == 201:
                with self.ledger.lock:
                    self.ledger.payments.add((member_id, month))
            elif response is not None and '"duplicate_month"' in response.text:
                # An earlier try was recorded although its answer was lost: the rule says so.
                with self.ledger.lock:
                    self.ledger.payments.add((member_id, month))
                    self.ledger.retried_ok["payment (already recorded)"] += 1
            elif response is not None:
                self.ledger.error("payment", f"{response.status_code} {response.text[:100]}")
        else:
            time.sleep(1)


class Probe(threading.Thread):
    """Asks a page that reads the database twice a second; when it answers again after a fault."""

    def __init__(self, base: str, token: str, stop: threading.Event) -> None:
        super().__init__(name="probe", daemon=True)
        self.base, self.stop = base, stop
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.last_ok = time.monotonic()
        self.failed_since: float | None = None

    def ok(self) -> bool:
        try:
            return (
                self.session.get(self.base + "/api/v1/service/requests?limit=1", timeout=5).status_code == 200
            )
        except requests.RequestException:
            return False

    def wait_ok(self, since: float, limit: float = 120) -> float | None:
        """Seconds from ``since`` until the page answers 200, or None within ``limit``."""
        while time.monotonic() - since < limit:
            if self.ok():
                return time.monotonic() - since
            time.sleep(0.1)
        return None

    def run(self) -> None:
        while not self.stop.is_set():
            self.ok()
            time.sleep(0.5)


def worker_registered(store, pid: int | None, since: float, limit: float = 120) -> float | None:
    """Seconds from ``since`` until the new RQ worker (process ``pid``) has registered in Redis."""
    while pid is not None and time.monotonic() - since < limit:
        if any(store.hget(key, "pid") == str(pid).encode() for key in store.smembers("rq:workers")):
            return round(time.monotonic() - since, 2)
        time.sleep(0.2)
    return None


# --- counting ----------------------------------------------------------------------------------


def count_in_database(ledger: Ledger) -> dict:
    from django.db import connections
    from django.db.models import Count

    from dangjian.dues.models import DuesPayment
    from dangjian.life.choices import AttendanceStatus
    from dangjian.life.models import Attendance
    from dangjian.service.models import RequestEvent, ServiceRequest

    connections.close_all()
    per_marker: Counter = Counter()
    for description in ServiceRequest.objects.filter(description__contains=f"{MARKER}-").values_list(
        "description", flat=True
    ):
        per_marker[description.rsplit(f"{MARKER}-", 1)[1][:12]] += 1
    confirmed = {
        marker.split("-", 1)[1] for marker, state in ledger.submitted.items() if state == "confirmed"
    }
    unknown = {marker.split("-", 1)[1] for marker, state in ledger.submitted.items() if state == "unknown"}
    pairs = {
        (request_id, action): n
        for request_id, action, n in RequestEvent.objects.filter(
            request__description__contains=f"{MARKER}-", action__in=FLOW
        )
        .values("request_id", "action")
        .annotate(n=Count("id"))
        .values_list("request_id", "action", "n")
    }
    present = set(
        Attendance.objects.filter(
            status=AttendanceStatus.PRESENT, meeting__title__startswith=MARKER
        ).values_list("meeting_id", "member_id")
    )
    attendance_rows = Counter(
        Attendance.objects.filter(meeting__title__startswith=MARKER).values_list("meeting_id", "member_id")
    )
    payment_rows = Counter(
        (member_id, month.isoformat())
        for member_id, month in DuesPayment.objects.values_list("member_id", "month")
    )
    result = {
        "requests": {
            "confirmed": len(confirmed),
            "unconfirmed (gave up or refused)": len(unknown),
            "in database": sum(per_marker.values()),
            "confirmed but missing": len([m for m in confirmed if per_marker[m] == 0]),
            "doubled": len([m for m, n in per_marker.items() if n > 1]),
            "unconfirmed but saved": len([m for m in unknown if per_marker[m] >= 1]),
        },
        "transitions": {
            "confirmed": len(ledger.transitions),
            "confirmed but missing": len([t for t in ledger.transitions if pairs.get(t, 0) == 0]),
            "doubled": len([t for t, n in pairs.items() if n > 1]),
            "in database": sum(pairs.values()),
        },
        "check-ins": {
            "confirmed": len(ledger.checkins),
            "in database (present)": len(present),
            "confirmed but missing": len(ledger.checkins - present),
            "doubled": len([pair for pair, n in attendance_rows.items() if n > 1]),
            "unconfirmed but saved": len((ledger.checkins_tried - ledger.checkins) & present),
        },
        "payments": {
            "confirmed": len(ledger.payments),
            "in database (of those tried)": len([p for p in ledger.payments_tried if payment_rows[p] >= 1]),
            "confirmed but missing": len([p for p in ledger.payments if payment_rows[p] == 0]),
            "doubled": len([p for p, n in payment_rows.items() if n > 1]),
            "unconfirmed but saved": len(
                [p for p in ledger.payments_tried - ledger.payments if payment_rows[p] >= 1]
            ),
        },
    }
    connections.close_all()
    return result


def totals() -> dict:
    from django.db import connections

    from dangjian.dues.models import DuesPayment
    from dangjian.life.choices import AttendanceStatus
    from dangjian.life.models import Attendance
    from dangjian.service.models import ServiceRequest

    connections.close_all()
    figures = {
        "service requests": ServiceRequest.objects.count(),
        "attendance present": Attendance.objects.filter(status=AttendanceStatus.PRESENT).count(),
        "dues payments": DuesPayment.objects.count(),
    }
    connections.close_all()
    return figures


# --- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="how long the mix runs (default 10)")
    parser.add_argument(
        "--restarts", type=int, default=3, help="database restarts during the run (default 3)"
    )
    parser.add_argument("--worker-kills", type=int, default=3, help="worker kills during the run (default 3)")
    parser.add_argument("--residents", type=int, default=3)
    parser.add_argument("--handlers", type=int, default=3)
    parser.add_argument("--meetings", type=int, default=30)
    parser.add_argument("--app-workers", type=int, default=2, help="granian processes (default 2)")
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, help=f"working directory (default {DEFAULT_DIR})"
    )
    parser.add_argument("--keep", action="store_true", help="leave the cluster's directory behind")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    import redis

    store = redis.Redis.from_url(REDIS_URL)
    if store.dbsize():
        store.flushdb()  # database 9 is the soak's own; 0 is never touched
    if args.dir.exists():
        shutil.rmtree(args.dir)
    cluster = Cluster(args.dir / "pg", PORT_PG)
    env = platform_env(args.dir)
    server = Process(
        "serve",
        [PYTHON, "-m", "dangjian", "serve", "--host", "127.0.0.1", "--port", str(PORT_APP),
         "--workers", str(args.app_workers)],
        env, args.dir / "serve.log",
    )  # fmt: skip
    worker = Process("worker", [PYTHON, "-m", "dangjian", "worker"], env, args.dir / "worker.log")
    stop = threading.Event()
    started = time.monotonic()
    try:
        log(f"PostgreSQL cluster on port {PORT_PG} in {cluster.data}")
        cluster.init()
        cluster.start()
        cluster.createdb("soak")
        log("migrate and generate --scale community")
        subprocess.run(
            [PYTHON, "-m", "dangjian", "manage", "migrate", "--no-input", "-v", "0"], env=env, check=True
        )
        subprocess.run([PYTHON, "-m", "dangjian", "generate", "--scale", "community"], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        data = setup_data(env, args.meetings)
        before = totals()
        log(f"before: {before}")
        server.start()
        worker.start()
        base = f"http://127.0.0.1:{PORT_APP}"
        probe = Probe(base, data["tokens"]["sq_shuji"], stop)
        if probe.wait_ok(time.monotonic(), limit=180) is None:
            sys.exit(f"the server did not answer; see {server.log_path}")
        ledger = Ledger()
        clients: list[Client] = [
            *(Resident(f"resident-{n}", base, ledger, stop, data=data) for n in range(args.residents)),
            GridWorker("grid-worker", base, ledger, stop, token=data["tokens"]["wgy"], data=data),
            *(
                Handler(
                    f"handler-{n}", base, ledger, stop, token=data["tokens"][HANDLER_USERS[n % 3]], data=data
                )
                for n in range(args.handlers)
            ),
            Secretary("secretary", base, ledger, stop, token=data["tokens"]["sq_shuji"], data=data),
        ]
        for client in clients:
            client.start()
        probe.start()
        duration = args.minutes * 60
        faults = ["restart"] * args.restarts + ["kill"] * args.worker_kills
        random.Random(2026).shuffle(faults)
        # Faults spread over the run, none in its first or last tenth.
        moments = [duration * (0.1 + 0.8 * (n + 0.5) / max(len(faults), 1)) for n in range(len(faults))]
        fault_log: list[dict] = []
        mix_started = time.monotonic()
        log(
            f"mix of {len(clients)} clients for {args.minutes} minutes; faults at {[round(m) for m in moments]} s"
        )
        for fault, moment in zip(faults, moments, strict=True):
            time.sleep(max(0.0, mix_started + moment - time.monotonic()))
            began = time.monotonic()
            if fault == "restart":
                seconds = cluster.restart()
                recovered = probe.wait_ok(began)
                fault_log.append({"fault": "database restart", "at_s": round(began - mix_started),
                                  "database_back_s": round(seconds, 2),
                                  "app_answers_s": None if recovered is None else round(recovered, 2)})  # fmt: skip
            else:
                old = worker.popen.pid if worker.popen else None
                worker.kill(signal.SIGKILL)
                worker.start()
                new = worker.popen.pid if worker.popen else None
                fault_log.append({"fault": "worker kill -9", "at_s": round(began - mix_started), "old_pid": old,
                                  "new_pid": new, "worker_back_s": worker_registered(store, new, began)})  # fmt: skip
            log(f"fault: {fault_log[-1]}")
        time.sleep(max(0.0, mix_started + duration - time.monotonic()))
        stop.set()
        for client in clients:
            client.join(timeout=GIVE_UP_SECONDS + TIMEOUT + 5)
        log("mix stopped; counting")
        after = totals()
        counted = count_in_database(ledger)
        errors_in_faults = sum(
            1 for moment in ledger.error_times if any(
                0 <= moment - (mix_started + f["at_s"]) <= 30 for f in fault_log)
        )  # fmt: skip
        report = {
            "minutes": args.minutes,
            "clients": len(clients),
            "operations": dict(ledger.operations),
            "operations_total": sum(ledger.operations.values()),
            "errors_seen": dict(ledger.errors),
            "errors_within_30_s_of_a_fault": errors_in_faults,
            "errors_total": sum(ledger.errors.values()),
            "operations_that_succeeded_on_a_retry": dict(ledger.retried_ok),
            "operations_given_up": dict(ledger.gave_up),
            "error_answers": dict(ledger.error_bodies.most_common(8)),
            "faults": fault_log,
            "recovery_s_median": statistics.median(
                [f["app_answers_s"] for f in fault_log if f.get("app_answers_s") is not None] or [0]
            ),
            "before": before,
            "after": after,
            "counted": counted,
            "worker_alive_at_end": worker.popen is not None and worker.popen.poll() is None,
            "server_alive_at_end": server.popen is not None and server.popen.poll() is None,
            "wall_clock_minutes": round((time.monotonic() - started) / 60, 1),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2), flush=True)
        if args.json:
            args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        lost = sum(part.get("confirmed but missing", 0) for part in counted.values())
        doubled = sum(part.get("doubled", 0) for part in counted.values())
        log(f"lost: {lost}, doubled: {doubled}")
        return 1 if lost or doubled else 0
    finally:
        stop.set()
        worker.kill(signal.SIGTERM)
        server.kill(signal.SIGTERM)
        worker.kill(signal.SIGKILL)
        server.kill(signal.SIGKILL)
        cluster.stop()
        if not args.keep and args.dir.exists():
            shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""The generator's mechanism: one seeded run that calls the steps apps contribute, in order.

Each app fills its own tables in ``<app>/demo_data.py`` (``@generator_step``): ``orgs`` the area
tree, ``members`` the people, members and the organizations below the street, ``accounts`` the
demo logins, then the domain apps. Everything is drawn from one ``random.Random(seed)`` in a
fixed order: the same seed gives the same names, codes, trees and assignments (ciphertexts
differ, since Fernet uses a random IV). Rows go in with ``bulk_create`` in batches, so the
district scale builds in minutes.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from dangjian.core.generator.people import Draft, PersonMaker
from dangjian.core.generator.scales import SCALE_NAMES_ZH, Scale
from dangjian.core.generator.steps import registered_steps
from dangjian.core.registry import registry
from dangjian.core.tree import PATH_ALPHABET, PATH_STEP

BATCH_SIZE = 2000


class DatabaseNotEmpty(Exception):
    """Raised by a step that finds its tables filled: the generator only writes into an empty database."""


def path_segment(index: int) -> str:
    """The 1-based ``index``-th child's step of a treebeard path: 1 → ``0001``, 37 → ``0011``."""
    digits = []
    value = index
    for _ in range(PATH_STEP):
        value, remainder = divmod(value, len(PATH_ALPHABET))
        digits.append(PATH_ALPHABET[remainder])
    if value:
        raise ValueError(f"too many children for a path step: {index}")
    return "".join(reversed(digits))


def spread(
    rng: random.Random, total: int, parts: int, *, minimum: int = 1, jitter: float = 0.35
) -> list[int]:
    """Split ``total`` into ``parts`` uneven counts of at least ``minimum`` that add up exactly."""
    if parts <= 0:
        return []
    if total < minimum * parts:
        raise ValueError(f"cannot split {total} into {parts} parts of at least {minimum}")
    weights = [1 + rng.uniform(-jitter, jitter) for _ in range(parts)]
    return proportional(total, weights, minimum=minimum)


def proportional(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """Largest-remainder split of ``total`` by ``weights`` (deterministic, exact sum)."""
    rest = total - minimum * len(weights)
    weight_sum = sum(weights) or 1
    shares = [rest * weight / weight_sum for weight in weights]
    counts = [minimum + int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda index: shares[index] - int(shares[index]), reverse=True)
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


def weighted_sample(rng: random.Random, items: list, weights: list[float], count: int) -> list:
    """``count`` items without replacement, each chosen with odds proportional to its weight."""
    if count <= 0:
        return []
    keyed = sorted(
        ((rng.random() ** (1.0 / weight), index) for index, weight in enumerate(weights)), reverse=True
    )
    return [items[index] for _, index in keyed[:count]]


class Stats:
    """Rows and seconds per stage, printed as the generator goes and summed at the end."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str, rows: int = 0) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.rows[name] += rows
        self.seconds[name] += time.perf_counter() - start

    def table(self) -> list[tuple[str, int, float]]:
        return [(name, self.rows[name], self.seconds[name]) for name in self.seconds]


@dataclass
class Anchors:
    """The nodes and people the demo logins are attached to (the first district, street, …).

    Filled by the ``people`` step (``members.demo_data``), read by ``demo users``
    (``accounts.demo_data``) and by app steps that give the demo logins something to do.
    """

    district_org: Any = None
    district: Any = None
    street_org: Any = None
    street_secretary: Draft | None = None
    community_org: Any = None
    community_secretary: Draft | None = None
    grid: Any = None
    grid_branch: Any = None
    grid_leader: Draft | None = None
    member: Draft | None = None
    building: Any = None
    resident: Draft | None = None
    # A person with an open 积极分子 file, set by the development step, for the applicant login.
    applicant: Any = None


class Generator:
    """One run of the generator; ``run()`` calls every registered step inside one transaction."""

    def __init__(
        self,
        scale: Scale,
        seed: int,
        *,
        today: datetime.date | None = None,
        log: Callable[[str], None] = print,
    ):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today or datetime.date.today()
        self.people = PersonMaker(self.rng, self.today)
        self.log = log
        self.stats = Stats()
        self.anchors = Anchors()
        # Rows written so far by kind ("residents", "members"), for the log and the audit line.
        self.counts: dict[str, int] = defaultdict(int)
        # What a step leaves for later steps (the planned trees, the seated secretaries, …).
        self.state: dict[str, Any] = {}

    # --- the run ----------------------------------------------------------------------------
    def add_steps(self, names: list[str]) -> Stats:
        """Run only the steps ``names`` on a database generated earlier (at this scale): a step
        an app added after the benchmark database was built, without regenerating a district
        (twenty minutes). The demo logins' anchors are read back from their role assignments."""
        steps = {step.name: step for step in registered_steps()}
        unknown = sorted(set(names) - set(steps))
        if unknown:
            raise ValueError(
                f"unknown generator steps: {', '.join(unknown)} (known: {', '.join(sorted(steps))})"
            )
        started = time.perf_counter()
        with transaction.atomic():
            self.load_anchors()
            for step in sorted((steps[name] for name in names), key=lambda step: (step.order, step.name)):
                with self.stats.stage(step.name):
                    self.stats.rows[step.name] += step.function(self) or 0
                self.log(
                    f"  {step.name}: {self.stats.rows[step.name]:,} in {self.stats.seconds[step.name]:.1f} s"
                )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.log(f"Done in {time.perf_counter() - started:.1f} s")
        return self.stats

    def load_anchors(self) -> None:
        """The anchors of a generated database, read back by the apps that set them
        (``@anchor_loader`` functions, e.g. from the demo logins' role assignments)."""
        for load in registry["generator_anchor_loaders"].values():
            load(self)

    def run(self) -> Stats:
        started = time.perf_counter()
        self.log(
            f"Generating scale {self.scale.name!r} with seed {self.seed} ({self.scale.districts} district(s))"
        )
        with transaction.atomic():
            for step in registered_steps():
                with self.stats.stage(step.name):
                    self.stats.rows[step.name] += step.function(self) or 0
                self.log(
                    f"  {step.name}: {self.stats.rows[step.name]:,} in {self.stats.seconds[step.name]:.1f} s"
                )
            with self.stats.stage("audit"):
                self.write_audit_entry(time.perf_counter() - started)
                self.stats.rows["audit"] += 1
        if connection.vendor == "postgresql":
            with self.stats.stage("analyze"), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.log(f"Done in {time.perf_counter() - started:.1f} s")
        for name, rows, seconds in self.stats.table():
            self.log(f"  {name:<28} {rows:>10,} rows {seconds:>8.1f} s")
        return self.stats

    # --- writing ----------------------------------------------------------------------------------
    def insert(self, model, rows: list, stage: str) -> None:
        if not rows:
            return
        with self.stats.stage(stage, rows=len(rows)):
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    def write_audit_entry(self, seconds: float) -> None:
        from dangjian.core import audit
        from dangjian.core.choices import AuditAction

        audit.record(
            AuditAction.IMPORT,
            None,
            # Shown in the audit log next to Chinese records: the scale by its Chinese name.
            object_repr=f"演示数据（{SCALE_NAMES_ZH.get(self.scale.name, self.scale.name)}规模）",
            username="generator",
            changes={
                "scale": self.scale.name,
                "seed": self.seed,
                "districts": self.scale.districts,
                "residents": self.counts["residents"],
                "members": self.counts["members"],
            },
            note=f"数据生成器生成了演示数据：规模 {self.scale.name}，随机种子 {self.seed}，用时 {seconds:.0f} 秒。",
        )

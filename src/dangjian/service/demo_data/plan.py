"""The plan of the requests: their days, drafts and monthly writing; each one's life is in ``life``."""

from __future__ import annotations

import datetime
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection

from dangjian.core import personal
from dangjian.service.choices import (
    RequestSource,
)
from dangjian.service.demo_data.common import (
    HOUR_CUMULATIVE,
    HOURS,
    SOURCE_PICKS,
    Clock,
    Grid,
    Leaf_,
    cumulative,
    pick,
    tracking_codes,
)
from dangjian.service.demo_data.life import RequestLife
from dangjian.service.demo_data.loading import Row, copy_rows, db_datetime, reserve_ids
from dangjian.service.demo_data.tables import (
    FULL_TIMELINE_DAYS,
    OFFICE_SOURCES,
    ONE_DAY,
    OPEN_STATES_MIX,
    OPEN_WINDOW_DAYS,
    PHONE_POOL,
    PHONE_SOURCES,
    RATINGS_LATE,
    RATINGS_ON_TIME,
    SURNAMES,
    YEARS,
)
from dangjian.service.models import (
    RatingLevel,
    RequestEvent,
    ServiceRequest,
    WhistleCall,
    request_search_tokens,
)


@dataclass
class Draft:
    """A request being planned, with its milestones in local naive time (None: not reached)."""

    request: Row
    grid: Grid
    leaf: Leaf_
    created: datetime.datetime
    events: list[tuple] = field(default_factory=list)
    whistle: tuple | None = None


class Plan(RequestLife):
    def __init__(self, generator, rng, today, grids, leaves, district_of, rule_for, total):
        self.generator = generator
        self.rng = rng
        self.today = today
        self.now = datetime.datetime.combine(today, datetime.time.min)
        self.first_day = (
            today.replace(year=today.year - YEARS)
            if not (today.month == 2 and today.day == 29)
            else today.replace(year=today.year - YEARS, day=28)
        )
        self.clock = Clock(self.first_day - datetime.timedelta(days=10), today + ONE_DAY)
        self.grids = [grid for grid, _ in grids]
        self.grid_cum = cumulative([weight for _, weight in grids])
        self.leaves = leaves
        self.leaf_cum = [cumulative([leaf.weights[month] for leaf in leaves]) for month in range(12)]
        self.district_of = district_of
        self.rule_for = rule_for
        self.total = total
        self.codes = tracking_codes(generator.seed)
        self.levels = {level.code: level for level in RatingLevel.objects.filter(is_active=True)}
        self.rating_on_time = [(code, w) for code, w in RATINGS_ON_TIME if code in self.levels] or [
            (code, 1) for code in self.levels
        ]
        self.rating_late = [
            (code, w) for code, w in RATINGS_LATE if code in self.levels
        ] or self.rating_on_time
        self.phones = self._phone_pool()
        self.full_from = self.now - datetime.timedelta(days=FULL_TIMELINE_DAYS)
        self.open_from = self.now - datetime.timedelta(days=OPEN_WINDOW_DAYS)
        self.forced: list[str] = [state for state, _ in OPEN_STATES_MIX]
        self.open_cum = cumulative([weight for _, weight in OPEN_STATES_MIX])
        self.counts: dict[str, int] = defaultdict(int)
        self.whistles_made = 0
        self.rejected_recently = False
        self.bad_levels = [level for level in self.levels.values() if level.is_bad]
        self.archive_after = datetime.timedelta(days=settings.SERVICE_ARCHIVE_AFTER_DAYS)
        self.remind_before = datetime.timedelta(hours=settings.SERVICE_REMIND_BEFORE_HOURS)
        self.defaults = {field.attname: field.get_default() for field in ServiceRequest._meta.concrete_fields}
        self.reopened = 0

    # --- pools and days ------------------------------------------------------------------------------
    def _phone_pool(self) -> list[tuple[str, str, str]]:
        pool = []
        for _ in range(PHONE_POOL):
            number = f"1{self.rng.choice('3578')}{self.rng.randint(0, 9)}{self.rng.randint(0, 99999999):08d}"
            pool.append(
                (
                    personal.encrypt(number),
                    personal.lookup_hash(personal.MOBILE, number),
                    personal.mask(personal.MOBILE, number),
                )
            )
        return pool

    def day_weights(self) -> list[tuple[datetime.date, float]]:
        days = []
        day = self.first_day
        holiday_run = 0
        while day < self.today:
            works = self.clock.is_working(day)
            weekday = day.weekday()
            holiday = bool(self.clock.calendar.holiday_name(day))
            if holiday:
                factor = 0.35
            elif not works:
                factor = 0.65 if weekday == 5 else 0.55
            else:
                factor = 1.15 if weekday == 0 else 1.0
                if holiday_run >= 3:
                    factor *= 1.35  # catch-up after a long holiday
            holiday_run = holiday_run + 1 if not works else 0
            season = [0.9, 0.85, 0.95, 1.0, 1.05, 1.15, 1.2, 1.2, 1.05, 1.0, 0.95, 0.95][day.month - 1]
            years_in = (day - self.first_day).days / 365.25
            growth = 1.08**years_in
            days.append((day, factor * season * growth))
            day += ONE_DAY
        return days

    # --- main loop -----------------------------------------------------------------------------------
    def run(self, log) -> int:
        days = self.day_weights()
        weight_sum = sum(weight for _, weight in days) or 1
        written = 0
        month_days: dict[tuple[int, int], list[tuple[datetime.date, float]]] = defaultdict(list)
        for day, weight in days:
            month_days[(day.year, day.month)].append((day, weight * self.total / weight_sum))
        for (year, month), entries in sorted(month_days.items()):
            drafts: list[Draft] = []
            for day, expected in entries:
                count = (
                    max(0, round(expected + self.rng.gauss(0, math.sqrt(expected)))) if expected > 0 else 0
                )
                for _ in range(count):
                    drafts.append(self.draft(day))
            drafts.sort(key=lambda draft: draft.created)
            self._ensure_open_states(drafts)
            for draft in drafts:
                self.live(draft)
            written += self.write(drafts)
            if month == 12 or (year, month) == (self.today.year, self.today.month):
                log(f"    service {year}-{month:02d}: {self.counts['requests']:,} requests so far")
        return written

    def draft(self, day: datetime.date) -> Draft:
        rng = self.rng
        works = self.clock.is_working(day)
        source = pick(rng, *SOURCE_PICKS[works])
        leaf = pick(rng, self.leaves, self.leaf_cum[day.month - 1])
        if not leaf.public and source == RequestSource.PORTAL:
            source = RequestSource.HOTLINE
        hour = rng.randint(9, 16) if source in OFFICE_SOURCES and works else pick(rng, HOURS, HOUR_CUMULATIVE)
        created = datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59), rng.randint(0, 59)))
        grid = pick(rng, self.grids, self.grid_cum)
        latitude = longitude = None
        if grid.rect is not None:
            west, south, east, north = grid.rect
            longitude = Decimal(f"{west + (east - west) * rng.uniform(0.05, 0.95):.6f}")
            latitude = Decimal(f"{south + (north - south) * rng.uniform(0.05, 0.95):.6f}")
        address = f"{grid.community}{rng.randint(1, grid.buildings)}号楼附近" if grid.buildings else grid.name
        request = Row(
            self.defaults,
            tracking_code=next(self.codes),
            source=source,
            category_id=leaf.pk,
            category_path=leaf.path,
            title=f"{leaf.name}：{leaf.description}"[:100],
            description=leaf.description,
            address=address,
            latitude=latitude,
            longitude=longitude,
            area_id=grid.pk,
            area_path=grid.path,
            org_id=grid.org_id,
            org_path=grid.org_path,
            service_mode=leaf.mode,
            limit_amount=leaf.amount,
            limit_unit=leaf.unit,
            visit_count=(2 if rng.random() < 0.04 else 1) if source == RequestSource.WALK_IN else 0,
        )
        if source in PHONE_SOURCES and rng.random() < 0.6:
            cipher, digest, masked = self.phones[rng.randrange(len(self.phones))]
            request.contact_phone_cipher, request.contact_phone_hash, request.contact_phone_masked = (
                cipher,
                digest,
                masked,
            )
            request.contact_name = rng.choice(SURNAMES) + rng.choice(("先生", "女士"))
            request.phone_verified = source == RequestSource.PORTAL
        return Draft(request=request, grid=grid, leaf=leaf, created=created)

    def _ensure_open_states(self, drafts: list[Draft]) -> None:
        """Mark which recent drafts stay open, in which state; every open state at least once."""
        recent = [draft for draft in drafts if draft.created >= self.open_from]
        # Forced states go to drafts old enough to have reached them (a week; holidays aside).
        settled = [draft for draft in recent if draft.created <= self.now - datetime.timedelta(days=7)]
        forced_ids = {id(draft) for draft in settled[-2 * len(self.forced) :: 2]} if self.forced else set()
        for draft in recent:
            age_days = (self.now - draft.created).total_seconds() / 86400
            open_share = 0.85 if age_days < 2 else (0.45 if age_days < 5 else 0.15)
            if id(draft) in forced_ids and self.forced:
                draft.events.append(("open", self.forced.pop(0)))
            elif self.rng.random() < open_share:
                draft.events.append(("open", pick(self.rng, [s for s, _ in OPEN_STATES_MIX], self.open_cum)))

    # --- writing --------------------------------------------------------------------------------------
    def write(self, drafts: list[Draft]) -> int:
        """Requests and events by COPY (PostgreSQL) or executemany (SQLite); whistles by bulk_create."""
        if not drafts:
            return 0
        ids = reserve_ids(ServiceRequest, len(drafts))
        for draft, request_id in zip(drafts, ids, strict=True):
            draft.request.id = request_id
        request_fields = list(ServiceRequest._meta.concrete_fields)
        timestamp = db_datetime()
        datetime_columns = {
            field.attname for field in request_fields if field.get_internal_type() == "DateTimeField"
        }
        request_rows = []
        convert = connection.vendor != "postgresql"  # PostgreSQL takes the aware datetimes as they are
        for draft in drafts:
            values = draft.request
            values["search_tokens"] = request_search_tokens(
                values["title"], values["description"], values["tracking_code"]
            )
            if convert:
                for name in datetime_columns:
                    if values[name] is not None:
                        values[name] = timestamp(values[name])
            request_rows.append(tuple(values[field.attname] for field in request_fields))
        self._copy(
            ServiceRequest, [field.column for field in request_fields], request_rows, "service requests"
        )
        aware = self.clock.aware
        event_rows = []
        whistles = []
        for draft in drafts:
            request_id = draft.request.id
            for moment, action, from_state, to_state, by_name, note, data in sorted(
                draft.events, key=lambda event: event[0]
            ):
                event_rows.append(
                    (
                        request_id,
                        action,
                        from_state,
                        to_state,
                        None,
                        by_name[:64],
                        note,
                        json.dumps(data, ensure_ascii=False) if data else "{}",
                        timestamp(aware(moment)),
                    )
                )
            if draft.whistle is not None:
                department_id, called, due, state, reported = draft.whistle
                whistles.append(
                    WhistleCall(
                        request_id=request_id,
                        department_id=department_id,
                        state=state,
                        note="涉及多部门职责，吹哨请求协同处置。",
                        called_at=aware(called),
                        report_due_at=aware(due),
                        reported_at=aware(reported) if reported else None,
                    )
                )
        event_columns = ["request_id", "action", "from_state", "to_state", "by_id", "by_name", "note", "data"]
        self._copy(RequestEvent, [*event_columns, "created_at"], event_rows, "service events")
        self.generator.insert(WhistleCall, whistles, "service whistles")
        return len(request_rows) + len(event_rows) + len(whistles)

    def _copy(self, model, columns: list[str], rows: list[tuple], stage: str) -> None:
        stats = getattr(self.generator, "stats", None)
        if stats is None:
            copy_rows(model, columns, rows)
            return
        with stats.stage(stage, rows=len(rows)):
            copy_rows(model, columns, rows)

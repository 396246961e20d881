"""Generator step: five years of service requests (为民服务) for the demo and benchmark data.

What it writes:

- a category tree when none exists (8 top categories, 35 leaves: time limits mostly 3/5/7
  working days, a few in working hours (路灯, 停水, 停电: 8 h), two 全时通 categories counted in
  calendar days (独居老人紧急求助, 消防通道堵塞), the service modes 代办/帮办/陪办/预约办, some
  categories not public on the portal); the departments of each district (城管执法局, 派出所,
  市场监管所, 住建委, 水务局, 供电公司, 民政局), each with a user (``bm_handler`` is the 城管
  user; the others are ``bm_<code>``, with the demo password); routing rules for some category ×
  street pairs (the street's 党工委 or another department instead of the default);
- requests: about 1,000,000 over five years at ``district`` scale, in proportion to the residents
  at other scales (about 4,300 at ``community``). Days follow the working calendar (``core.workdays``):
  fewer reports on weekends and much fewer on holidays, a catch-up after long holidays, a summer
  peak, a slow growth over the years; categories have weights and seasons (供暖 in winter, 积水
  and 病媒 in summer); sources (portal, patrol, hotline, 12345, walk-in, mailbox) have their own
  hours of the day and shares on working and other days; the grid is drawn weighted by residents
  and the point inside its boundary. Deadlines are ``service.deadlines.compute_due`` (cached per
  category unit, amount and day for working and calendar days: the same day gives the same due
  date), handling times are log-normal around 45% of the time limit (≈95% on time, many early,
  a few late), ``handling_working_hours`` is the same office-hour count as
  ``deadlines.working_hours_between`` computed from per-day prefix sums;
- states: older requests are resolved, ~70% rated (mostly 满意/非常满意; a 差评 gets a follow-up,
  done unless recent) and archived 30 days after 办结; ~2% were not accepted; the last two weeks
  hold open requests in every state (上报 … 处置反馈, 退回, 挂起), a few reopened after a 差评,
  a few 督办 (mostly overdue ones) and 吹哨 calls to departments; overdue open requests carry the
  overdue mark and escalation the background task would have set;
- timeline (``RequestEvent``): the full chain (submit, accept, dispatch, start, feedback, approve,
  rating invitation, rate, archive, and the special actions) for requests of the last twelve
  months; older requests get a compact timeline of submit and approve (or submit and reject):
  the full chain for five years would be ~8 million rows, beyond the step's time budget.

Contact phones: encrypting a phone per request (Fernet, ~50 µs, plus an HMAC) for a million rows
would take minutes, so a pool of 500 phones is encrypted once and requests from the portal and
the hotlines reuse one pool entry's ciphertext, hash and masked form (~60% of those requests).
Repeating a ciphertext reveals only what the lookup hash reveals anyway (two requests share a
phone); the values are synthetic.

Everything is computed in Python from a few queries and written in monthly chunks: requests and
events by ``COPY`` on PostgreSQL (``executemany`` on SQLite) — ``bulk_create`` of these wide rows
took ten times longer — the few whistle calls with ``generator.insert``; no per-row save, no
per-row audit. The figures rollup is rebuilt at the end (the rows bypass the services keeping it).
At district scale on PostgreSQL (2 shared cores) the step took 362 s for 999,940 requests and
3.5 million events. The step draws from its own
``random.Random`` seeded by the generator's seed, so the same seed gives the same requests
whatever the other steps draw. "Now" is the start of the generator's ``today`` (local time).
"""

from __future__ import annotations

import bisect
import datetime
import json
import math
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db import connection

from dangjian.core import personal
from dangjian.core.generator.steps import generator_step
from dangjian.core.workdays import default_calendar
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.orgs.models import Area, Organization
from dangjian.service import deadlines
from dangjian.service.choices import (
    FollowUpState,
    RequestAction,
    RequestSource,
    RequestState,
    ServiceMode,
    TimeLimitUnit,
    WhistleState,
)
from dangjian.service.models import (
    Category,
    Department,
    DepartmentMember,
    RatingLevel,
    RequestEvent,
    RoutingRule,
    ServiceRequest,
    WhistleCall,
)
from dangjian.service.services import RESIDENT_NAME, SYSTEM_NAME, TRACKING_ALPHABET, TRACKING_LENGTH

YEARS = 5
BATCH = 5000
# Requests over the five years per district of 700,000 residents.
REQUESTS_PER_DISTRICT = 1_000_000
DISTRICT_RESIDENTS = 700_000
FULL_TIMELINE_DAYS = 365
OPEN_WINDOW_DAYS = 14
REJECT_SHARE = 0.02
RATED_SHARE = 0.70
PHONE_POOL = 500
ONE_DAY = datetime.timedelta(days=1)
ONE_HOUR = datetime.timedelta(hours=1)
ONE_MINUTE = datetime.timedelta(minutes=1)

# Plain strings (enum member access costs in a loop over a million requests).
S = SimpleNamespace(**{member.name: member.value for member in RequestState})
A = SimpleNamespace(**{member.name: member.value for member in RequestAction})
WD, WH, CD = TimeLimitUnit.WORKING_DAYS, TimeLimitUnit.WORKING_HOURS, TimeLimitUnit.CALENDAR_DAYS
ORD, ON_BEHALF, ASSISTED = ServiceMode.ORDINARY, ServiceMode.ON_BEHALF, ServiceMode.ASSISTED
ACCOMPANIED, APPOINTMENT = ServiceMode.ACCOMPANIED, ServiceMode.BY_APPOINTMENT

# (code suffix, name, report limit in working hours)
DEPARTMENTS = [
    ("CG", "城管执法局", 4),
    ("PCS", "派出所", 2),
    ("SCJG", "市场监管所", 8),
    ("ZJW", "住建委", 8),
    ("SW", "水务局", 4),
    ("GD", "供电公司", 4),
    ("MZ", "民政局", 8),
]
# Handlers of leaves: a department code, "community" (the community's 党委 handles it) or
# "branch" (the grid's 党支部, members handle it on the resident's behalf).
# (code, name, limit, unit, mode, public, handler, weight, season, description)
Leaf = tuple[str, str, int, str, str, bool, str, float, str, str]
# fmt: off
CATEGORIES: list[tuple[str, str, list[Leaf]]] = [
    (
        "SR",
        "市容环境",
        [
            ("SR01", "占道经营", 3, WD, ORD, True, "CG", 5, "", "小区门口有流动摊贩占道经营，影响通行。"),
            ("SR02", "乱堆乱放", 3, WD, ORD, True, "community", 6, "", "楼道和绿地旁堆放杂物，存在安全隐患。"),
            ("SR03", "违章搭建", 7, WD, ORD, True, "CG", 2, "", "有住户在楼顶私自搭建彩钢房。"),
            ("SR04", "户外广告", 5, WD, ORD, True, "CG", 1, "", "临街商铺广告牌松动，刮风时有坠落危险。"),
        ],
    ),
    (
        "HW",
        "环境卫生",
        [
            ("HW01", "垃圾清运", 3, WD, ORD, True, "branch", 8, "", "垃圾桶已满多日未清运，气味很大。"),
            ("HW02", "公厕保洁", 3, WD, ORD, True, "community", 2, "", "公共厕所保洁不及时，地面湿滑。"),
            ("HW03", "垃圾分类", 5, WD, ORD, True, "community", 3, "", "分类垃圾桶混投严重，希望加强督导。"),
            ("HW04", "病媒防治", 5, WD, ORD, True, "community", 1, "summer", "地下室蚊虫老鼠较多，请求消杀。"),
        ],
    ),
    (
        "SZ",
        "市政设施",
        [
            ("SZ01", "路灯维修", 8, WH, ORD, True, "CG", 4, "", "路灯不亮，晚上出行不安全。"),
            ("SZ02", "道路破损", 7, WD, ORD, True, "ZJW", 3, "", "路面坑洼破损，电动车经过容易摔倒。"),
            ("SZ03", "井盖缺失", 8, WH, ORD, True, "SW", 1, "", "人行道上井盖缺失，已用锥桶临时围挡。"),
            ("SZ04", "积水排水", 3, WD, ORD, True, "SW", 2, "rain", "下雨后路口积水严重，排水不畅。"),
        ],
    ),
    (
        "WY",
        "物业管理",
        [
            ("WY01", "停水", 8, WH, ORD, True, "SW", 3, "", "楼栋突然停水，没有接到任何通知。"),
            ("WY02", "停电", 8, WH, ORD, True, "GD", 2, "summer", "单元楼停电，家中有老人需要用电。"),
            ("WY03", "电梯故障", 3, WD, ORD, True, "SCJG", 2, "", "电梯经常停运，老人上下楼困难。"),
            ("WY04", "物业服务", 5, WD, ORD, True, "ZJW", 5, "", "物业对报修长期不处理，请求协调。"),
            ("WY05", "供暖问题", 3, WD, ORD, True, "ZJW", 3, "winter", "家中暖气不热，室温不到十八度。"),
        ],
    ),
    (
        "MS",
        "民生服务",
        [
            ("MS01", "独居老人紧急求助", 1, CD, ON_BEHALF, False, "branch", 1, "", "独居老人电话无人接听，请网格员上门查看。"),
            ("MS02", "证明开具", 3, WD, ON_BEHALF, True, "community", 4, "", "需要开具居住证明，行动不便请求代办。"),
            ("MS03", "社保医保代办", 5, WD, ON_BEHALF, True, "community", 3, "", "请求协助办理医保报销手续。"),
            ("MS04", "助残帮扶", 7, WD, ASSISTED, True, "MZ", 1, "", "残疾人家庭申请无障碍改造补贴，请求帮办。"),
            ("MS05", "就医陪诊", 5, WD, ACCOMPANIED, True, "branch", 1, "", "独居老人需要去医院复查，请求陪同。"),
            ("MS06", "预约上门服务", 5, WD, APPOINTMENT, True, "branch", 2, "", "预约上门办理老年卡年检。"),
        ],
    ),
    (
        "ZA",
        "社会治安",
        [
            ("ZA01", "噪音扰民", 3, WD, ORD, True, "PCS", 4, "summer", "夜间楼下商铺音响声音太大，影响休息。"),
            ("ZA02", "治安隐患", 3, WD, ORD, True, "PCS", 1, "", "小区门禁损坏，陌生人随意进出。"),
            ("ZA03", "消防通道堵塞", 1, CD, ORD, True, "PCS", 2, "", "消防通道被私家车长期占用。"),
            ("ZA04", "群租房", 7, WD, ORD, False, "PCS", 1, "", "楼内有群租房，人员进出频繁。"),
            ("ZA05", "食品安全", 5, WD, ORD, True, "SCJG", 1, "", "附近餐馆后厨卫生条件差。"),
        ],
    ),
    (
        "JF",
        "矛盾纠纷",
        [
            ("JF01", "邻里纠纷", 7, WD, ORD, True, "community", 3, "", "楼上漏水到楼下，双方协商不成。"),
            ("JF02", "物业纠纷", 7, WD, ORD, True, "community", 2, "", "业主与物业因收费问题发生争执。"),
            ("JF03", "劳资纠纷", 7, WD, ORD, False, "community", 1, "", "装修工人被拖欠工资，请求调解。"),
            ("JF04", "家庭矛盾", 7, WD, ORD, False, "community", 1, "", "家庭成员因赡养问题发生矛盾。"),
        ],
    ),
    (
        "ZC",
        "政策咨询",
        [
            ("ZC01", "社保政策", 3, WD, ORD, True, "community", 2, "", "咨询灵活就业人员社保缴费政策。"),
            ("ZC02", "住房政策", 5, WD, ORD, True, "ZJW", 1, "", "咨询公租房申请条件和流程。"),
            ("ZC03", "养老政策", 3, WD, ORD, True, "MZ", 1, "", "咨询高龄津贴的申领办法。"),
            ("ZC04", "其他咨询", 3, WD, ORD, True, "community", 2, "", "咨询社区活动室的开放时间。"),
        ],
    ),
]
# fmt: on
SEASONS = {
    "": [1.0] * 12,
    "summer": [0.3, 0.3, 0.5, 0.8, 1.2, 1.8, 2.2, 2.2, 1.5, 0.8, 0.4, 0.3],
    "rain": [0.1, 0.1, 0.3, 0.6, 1.0, 2.0, 3.5, 3.0, 1.0, 0.4, 0.2, 0.1],
    "winter": [3.0, 2.5, 1.5, 0.2, 0.05, 0.05, 0.05, 0.05, 0.05, 0.3, 2.5, 3.0],
}
# Shares of the sources on working days and on other days; their hours of the day.
SOURCES_WORKDAY = [
    (RequestSource.PORTAL, 28),
    (RequestSource.PATROL, 25),
    (RequestSource.HOTLINE, 12),
    (RequestSource.HOTLINE_12345, 22),
    (RequestSource.WALK_IN, 9),
    (RequestSource.MAILBOX, 4),
]
SOURCES_HOLIDAY = [
    (RequestSource.PORTAL, 40),
    (RequestSource.PATROL, 10),
    (RequestSource.HOTLINE, 18),
    (RequestSource.HOTLINE_12345, 30),
    (RequestSource.WALK_IN, 1),
    (RequestSource.MAILBOX, 1),
]
OFFICE_SOURCES = {RequestSource.PATROL, RequestSource.WALK_IN, RequestSource.MAILBOX}
PHONE_SOURCES = {RequestSource.PORTAL, RequestSource.HOTLINE, RequestSource.HOTLINE_12345}
# Hours of the day residents report in (weights for 0..23).
EVENING_HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 4, 6, 8, 8, 7, 7, 6, 6, 6, 7, 7, 8, 10, 10, 8, 5, 2]
SOURCE_NAMES = {
    RequestSource.PORTAL: RESIDENT_NAME,
    RequestSource.PATROL: "网格员",
    RequestSource.HOTLINE: "热线坐席",
    RequestSource.HOTLINE_12345: "12345转办",
    RequestSource.WALK_IN: "窗口工作人员",
    RequestSource.MAILBOX: "信箱登记员",
}
# Open requests of the last two weeks: which state they have reached (weights).
OPEN_STATES_MIX = [
    (S.REPORTED, 10),
    (S.ACCEPTED, 8),
    (S.DISPATCHED, 15),
    (S.IN_PROGRESS, 30),
    (S.FEEDBACK, 12),
    (S.RETURNED, 4),
    (S.SUSPENDED, 5),
]
STAGES = [S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.FEEDBACK]
RATINGS_ON_TIME = [
    ("very_satisfied", 58),
    ("satisfied", 32),
    ("basically_satisfied", 6.5),
    ("dissatisfied", 2.5),
    ("very_dissatisfied", 1),
]
RATINGS_LATE = [
    ("very_satisfied", 25),
    ("satisfied", 35),
    ("basically_satisfied", 20),
    ("dissatisfied", 13),
    ("very_dissatisfied", 7),
]
BAD_COMMENTS = ["处理太慢，问题拖了很久。", "问题没有彻底解决，过几天又出现了。", "工作人员态度一般。"]
GOOD_COMMENTS = ["", "", "", "处理及时，非常感谢！", "网格员很负责。", "态度很好，问题解决了。"]
RESULTS = [
    "已到现场核实并处理完毕，已电话告知居民。",
    "已协调相关单位处置，问题已解决。",
    "已上门办理完毕，居民表示认可。",
    "已安排人员维修，现场已恢复正常。",
]
REJECT_REASONS = [
    "经核实不属于本平台受理范围，已告知居民通过法律途径解决。",
    "重复上报，已与原诉求合并处理。",
    "反映内容不具体且无法联系上报人，暂不受理。",
]
SUSPEND_REASONS = ["需等待产权单位出具意见，暂时挂起。", "居民外出，约定返回后再上门处置。"]
RETURN_REASONS = ["该事项不属于本单位职责，请重新分派。", "地址不在本单位辖区。"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"


@dataclass
class Grid:
    pk: int
    path: str
    name: str
    community: str
    rect: tuple[float, float, float, float] | None
    buildings: int
    org_id: int | None
    org_path: str
    org_name: str
    branch_id: int | None
    branch_path: str
    branch_name: str
    street_path: str


@dataclass
class Leaf_:
    pk: int
    path: str
    name: str
    amount: int
    unit: str
    mode: str
    public: bool
    handler: str
    description: str
    weights: list[float] = field(default_factory=list)


def tracking_codes(seed: int):
    """Deterministic unique codes: a counter through an affine bijection of [0, 31**10), in base 31."""
    base = len(TRACKING_ALPHABET)
    space = base**TRACKING_LENGTH
    multiplier = 0x5DEECE66D  # not divisible by 31, so x → (a·x + b) mod 31**10 is a bijection
    offset = (seed * 0x9E3779B97F4A7C15) % space
    counter = 0
    while True:
        value = (multiplier * counter + offset) % space
        counter += 1
        digits = []
        for _ in range(TRACKING_LENGTH):
            value, remainder = divmod(value, base)
            digits.append(TRACKING_ALPHABET[remainder])
        yield "".join(digits)


class Clock:
    """Working-calendar arithmetic in local naive time, cached per day (1M requests need it fast)."""

    def __init__(self, first: datetime.date, last: datetime.date):
        self.calendar = default_calendar()
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.open_hour, self.close_hour = deadlines.office_hours()
        self.first = first
        self.working: dict[datetime.date, bool] = {}
        self.prefix: dict[datetime.date, int] = {}
        office = (self.close_hour - self.open_hour) * 3600
        total = 0
        day = first
        while day <= last:
            works = self.calendar.is_working_day(day)
            self.working[day] = works
            self.prefix[day] = total
            total += office if works else 0
            day += ONE_DAY
        self.due_cache: dict[tuple[datetime.date, int, str], datetime.datetime] = {}

    def is_working(self, day: datetime.date) -> bool:
        works = self.working.get(day)
        if works is None:
            works = self.working[day] = self.calendar.is_working_day(day)
        return works

    def aware(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.replace(tzinfo=self.zone)

    def local(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def office_seconds(self, moment: datetime.datetime) -> int:
        """Office seconds of working days from ``first`` up to ``moment`` (local naive)."""
        day = moment.date()
        base = self.prefix.get(day)
        if base is None:
            raise ValueError(f"{day} outside the clock's range")
        if not self.working[day]:
            return base
        seconds = (moment.hour - self.open_hour) * 3600 + moment.minute * 60 + moment.second
        return base + max(0, min(seconds, (self.close_hour - self.open_hour) * 3600))

    def working_hours(self, start: datetime.datetime, end: datetime.datetime) -> Decimal:
        """Same as ``deadlines.working_hours_between`` for local naive moments in whole seconds."""
        if end <= start:
            return Decimal("0")
        seconds = self.office_seconds(end) - self.office_seconds(start)
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))

    def due(self, start: datetime.datetime, amount: int, unit: str) -> datetime.datetime:
        """``compute_due`` in local naive time; working and calendar days cached by day."""
        if unit == WH:
            return self.add_working_hours(start, amount)
        if unit == CD:
            return start + datetime.timedelta(days=amount)
        key = (start.date(), amount, unit)
        due = self.due_cache.get(key)
        if due is None:
            due = self.due_cache[key] = self.local(
                deadlines.compute_due(self.aware(start), amount, unit, self.calendar)
            )
        return due

    def add_working_hours(self, start: datetime.datetime, hours: int) -> datetime.datetime:
        """``deadlines.add_working_hours`` in local naive time (the zone has no daylight saving)."""
        remaining = datetime.timedelta(hours=hours)
        moment = start
        day = start.date()
        while True:
            if self.is_working(day):
                opening = datetime.datetime.combine(day, datetime.time(self.open_hour))
                closing = datetime.datetime.combine(day, datetime.time(self.close_hour))
                begin = max(moment, opening)
                if begin < closing:
                    available = closing - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += ONE_DAY
            moment = datetime.datetime.combine(day, datetime.time.min)

    def in_office(self, moment: datetime.datetime) -> bool:
        return self.is_working(moment.date()) and self.open_hour <= moment.hour < self.close_hour

    def next_office(self, moment: datetime.datetime, rng: random.Random) -> datetime.datetime:
        """``moment`` if in office hours, else a few minutes after the next opening."""
        if self.in_office(moment):
            return moment
        day = moment.date()
        if moment.hour >= self.close_hour or not self.is_working(day):
            day += ONE_DAY
        while not self.is_working(day):
            day += ONE_DAY
        opening = datetime.datetime.combine(day, datetime.time(self.open_hour))
        return max(opening, moment) + datetime.timedelta(minutes=rng.randint(3, 50))

    def office_moment_before(
        self, moment: datetime.datetime, floor: datetime.datetime, rng: random.Random
    ) -> datetime.datetime:
        """``moment`` if in office hours, else a moment in the office hours of the last working day
        before it (but after ``floor``); if there is none, the next opening after ``moment``."""
        if self.in_office(moment):
            return moment
        day = moment.date()
        if moment.hour < self.open_hour:
            day -= ONE_DAY
        while day >= floor.date():
            if self.is_working(day):
                close = datetime.datetime.combine(day, datetime.time(self.close_hour))
                candidate = min(close, moment) - datetime.timedelta(minutes=rng.randint(5, 120))
                opening = datetime.datetime.combine(day, datetime.time(self.open_hour))
                candidate = max(candidate, opening)
                if candidate > floor:
                    return candidate
                break
            day -= ONE_DAY
        return self.next_office(moment, rng)


def _cumulative(weights: list[float]) -> list[float]:
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def _pick(rng: random.Random, items: list, cumulative: list[float]):
    return items[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


SOURCE_PICKS = {
    works: ([source for source, _ in table], _cumulative([weight for _, weight in table]))
    for works, table in ((True, SOURCES_WORKDAY), (False, SOURCES_HOLIDAY))
}
HOURS = list(range(24))
HOUR_CUMULATIVE = _cumulative(EVENING_HOURS)


# --- configuration ----------------------------------------------------------------------------------


def _add_category(parent, name: str, code: str, **fields) -> Category:
    node = Category(name=name, code=code, **fields)
    node.refresh_search_fields()
    if parent is None:
        return Category.objects.add_root(instance=node)
    return Category.objects.add_child(parent, instance=node)


def seed_configuration(generator, district: Area) -> tuple[dict[str, Department], list[Leaf_]]:
    """Departments of a district and (once) the category tree; returns the departments and leaves."""
    code_prefix = district.code
    departments: dict[str, Department] = {}
    for code, name, hours in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            code=f"{code_prefix}-{code}",
            defaults={
                "name": f"{district.name}{name}",
                "area": district,
                "phone": f"010-6{generator.rng.randint(1000000, 9999999)}",
                "report_limit_amount": hours,
                "report_limit_unit": WH,
            },
        )
        departments[code] = department
    if not Category.objects.exists():
        for top_code, top_name, leaves in CATEGORIES:
            top = _add_category(None, top_name, top_code, description=f"{top_name}类诉求")
            for code, name, amount, unit, mode, public, handler, _w, _s, text in leaves:
                _add_category(
                    Category.objects.get(pk=top.pk),
                    name,
                    code,
                    description=text,
                    limit_amount=amount,
                    limit_unit=unit,
                    service_mode=mode,
                    is_public=public,
                    default_handler_department=departments.get(handler),
                )
    specs = {leaf[0]: leaf for _code, _name, leaves in CATEGORIES for leaf in leaves}
    leaves_: list[Leaf_] = []
    for category in Category.objects.filter(is_active=True, numchild=0).order_by("path"):
        spec = specs.get(category.code)
        handler = spec[6] if spec else "community"
        weight, season = (spec[7], spec[8]) if spec else (1.0, "")
        leaves_.append(
            Leaf_(
                pk=category.pk,
                path=category.path,
                name=category.name,
                amount=category.limit_amount,
                unit=category.limit_unit,
                mode=category.service_mode,
                public=category.is_public,
                handler=handler,
                description=spec[9] if spec else category.description or f"关于{category.name}的诉求。",
                weights=[weight * factor for factor in SEASONS[season]],
            )
        )
    return departments, leaves_


def department_users(generator, departments_by_district: list[dict[str, Department]]) -> int:
    """A user per department of the first district (``bm_handler`` for 城管); role on the district."""
    from dangjian.accounts.choices import BuiltinRole
    from dangjian.accounts.models import Role, RoleAssignment, User

    if not departments_by_district:
        return 0
    template = User.objects.filter(username="bm_handler").first()
    if template is None:
        return 0
    role = Role.objects.filter(code=BuiltinRole.DEPARTMENT_HANDLER).first()
    district = generator.anchors.district
    written = 0
    for code, department in departments_by_district[0].items():
        if code == "CG":
            user = template
        else:
            username = f"bm_{code.lower()}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username,
                    last_name="演示",
                    first_name=department.name.removeprefix(district.name if district else ""),
                    password=template.password,  # the shared, published demo password
                )
                if role is not None and district is not None:
                    RoleAssignment.objects.create(user=user, role=role, area=district)
                written += 1
        _, created = DepartmentMember.objects.get_or_create(department=department, user=user)
        written += created
    return written


def routing_rules(rng: random.Random, streets: list[tuple[Area, Organization | None]], leaves, departments):
    """Some category × street pairs handled by the street's 党工委 or another department."""
    by_code = {leaf.path: leaf for leaf in leaves}
    codes = {
        category.code: category for category in Category.objects.filter(pk__in=[leaf.pk for leaf in leaves])
    }
    plans = [
        ("HW01", "street"),  # 垃圾清运 → the street's 党工委 (its own sanitation team)
        ("WY04", "street"),  # 物业服务 → the street
        ("ZA01", "CG"),  # 噪音扰民 (商铺) → 城管执法局
        ("SR02", "CG"),  # 乱堆乱放 → 城管执法局
    ]
    rules = []
    for index, (street, street_org) in enumerate(streets[: max(1, math.ceil(len(streets) / 3))]):
        for offset, (code, target) in enumerate(plans):
            if (index + offset) % 2 and len(streets) > 1:
                continue
            category = codes.get(code)
            if category is None or category.path not in by_code:
                continue
            if target == "street":
                if street_org is None:
                    continue
                rules.append(RoutingRule(category=category, area=street, handler_org=street_org))
            else:
                rules.append(
                    RoutingRule(category=category, area=street, handler_department=departments[target])
                )
    RoutingRule.objects.bulk_create(rules)
    return rules


# --- the step -----------------------------------------------------------------------------------------


@generator_step("service", order=70)
def generate_service(generator) -> int:
    rng = random.Random(f"service-{generator.seed}")
    today: datetime.date = generator.today
    scale = generator.scale
    log = getattr(generator, "log", print)

    districts = list(Area.objects.filter(kind=AreaKind.DISTRICT).order_by("path"))
    if not districts:
        return 0
    written = 0
    departments_by_district = []
    leaves: list[Leaf_] = []
    for district in districts:
        departments, leaves = seed_configuration(generator, district)
        departments_by_district.append(departments)
    written += sum(len(d) for d in departments_by_district) + len(leaves)
    written += department_users(generator, departments_by_district)

    grids, street_orgs = _load_grids()
    if not grids or not leaves:
        return written
    district_of = {district.path: departments_by_district[index] for index, district in enumerate(districts)}
    streets = list(Area.objects.filter(kind=AreaKind.STREET).order_by("path"))
    rules = routing_rules(
        rng,
        [(street, street_orgs.get(street.path)) for street in streets],
        leaves,
        district_of[districts[0].path],
    )
    written += len(rules)
    rule_for = {(rule.category.path, rule.area.path): rule for rule in rules}

    residents = scale.residents * scale.districts
    total = round(REQUESTS_PER_DISTRICT * residents / DISTRICT_RESIDENTS)
    plan = Plan(generator, rng, today, grids, leaves, district_of, rule_for, total)
    written += plan.run(log)
    # The rows went in by COPY, past the services that keep the figures rollup: rebuild it.
    from dangjian.service.figures import rebuild_rollup

    written += rebuild_rollup()
    return written


def _load_grids() -> tuple[list[tuple[Grid, float]], dict[str, Organization]]:
    """Grids with their residents, community 党委 and grid 党支部 (four queries)."""
    areas = list(
        Area.objects.filter(kind__in=[AreaKind.GRID, AreaKind.BUILDING, AreaKind.COMMUNITY])
        .order_by("path")
        .values_list("pk", "path", "kind", "name", "boundary", "resident_count")
    )
    orgs: dict[tuple[str, str], tuple[int, str, str]] = {}
    street_orgs: dict[str, Organization] = {}
    for org in (
        Organization.objects.filter(
            is_active=True,
            jurisdiction__kind__in=[AreaKind.GRID, AreaKind.COMMUNITY, AreaKind.STREET],
            kind__in=[
                OrgKind.BRANCH,
                OrgKind.PRIMARY_COMMITTEE,
                OrgKind.WORKING_COMMITTEE,
                OrgKind.GENERAL_BRANCH,
            ],
        )
        .select_related("jurisdiction")
        .order_by("path")
    ):
        kind = org.jurisdiction.kind
        if kind == AreaKind.STREET:
            if org.kind == OrgKind.WORKING_COMMITTEE:
                street_orgs.setdefault(org.jurisdiction.path, org)
            continue
        orgs.setdefault((kind, org.jurisdiction.path), (org.pk, org.path, org.short_name or org.name))
    communities = {path: name for _pk, path, kind, name, _b, _r in areas if kind == AreaKind.COMMUNITY}
    grid_rows = [row for row in areas if row[2] == AreaKind.GRID]
    residents: dict[str, int] = defaultdict(int)
    buildings: dict[str, int] = defaultdict(int)
    grid_len = len(grid_rows[0][1]) if grid_rows else 0
    for _pk, path, kind, _name, _b, count in areas:
        if kind in (AreaKind.GRID, AreaKind.BUILDING) and len(path) >= grid_len:
            residents[path[:grid_len]] += count
            if kind == AreaKind.BUILDING:
                buildings[path[:grid_len]] += 1
    grids = []
    for pk, path, _kind, name, boundary, _count in grid_rows:
        community_path = path[:-4]
        community = orgs.get((AreaKind.COMMUNITY, community_path))
        branch = orgs.get((AreaKind.GRID, path))
        if community is None:
            continue
        rect = None
        try:
            ring = boundary["coordinates"][0]
            xs, ys = [point[0] for point in ring], [point[1] for point in ring]
            rect = (min(xs), min(ys), max(xs), max(ys))
        except (TypeError, KeyError, IndexError):
            rect = None
        grid = Grid(
            pk=pk,
            path=path,
            name=name,
            community=communities.get(community_path, ""),
            rect=rect,
            buildings=buildings[path],
            org_id=community[0],
            org_path=community[1],
            org_name=community[2],
            branch_id=branch[0] if branch else None,
            branch_path=branch[1] if branch else "",
            branch_name=branch[2] if branch else "",
            street_path=path[:-8],
        )
        grids.append((grid, float(max(residents[path], 1))))
    return grids, street_orgs


@dataclass
class Draft:
    """A request being planned, with its milestones in local naive time (None: not reached)."""

    request: Row
    grid: Grid
    leaf: Leaf_
    created: datetime.datetime
    events: list[tuple] = field(default_factory=list)
    whistle: tuple | None = None


class Plan:
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
        self.grid_cum = _cumulative([weight for _, weight in grids])
        self.leaves = leaves
        self.leaf_cum = [_cumulative([leaf.weights[month] for leaf in leaves]) for month in range(12)]
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
        self.open_cum = _cumulative([weight for _, weight in OPEN_STATES_MIX])
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
        source = _pick(rng, *SOURCE_PICKS[works])
        leaf = _pick(rng, self.leaves, self.leaf_cum[day.month - 1])
        if not leaf.public and source == RequestSource.PORTAL:
            source = RequestSource.HOTLINE
        if source in OFFICE_SOURCES and works:
            hour = rng.randint(9, 16)
        else:
            hour = _pick(rng, HOURS, HOUR_CUMULATIVE)
        created = datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59), rng.randint(0, 59)))
        grid = _pick(rng, self.grids, self.grid_cum)
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
                draft.events.append(("open", _pick(self.rng, [s for s, _ in OPEN_STATES_MIX], self.open_cum)))

    # --- one request's life ------------------------------------------------------------------------------
    def handler_of(self, draft: Draft) -> tuple[int | None, str, int | None, str]:
        """(handler org id, its path, department id, the handler's name) by rule, default or local choice."""
        leaf, grid = draft.leaf, draft.grid
        rule = None
        for length in range(len(grid.path), 0, -4):
            rule = self.rule_for.get((leaf.path, grid.path[:length])) or self.rule_for.get(
                (leaf.path[:4], grid.path[:length])
            )
            if rule is not None:
                break
        if rule is not None:
            if rule.handler_department_id:
                return None, "", rule.handler_department_id, rule.handler_department.name
            return (
                rule.handler_org_id,
                rule.handler_org.path,
                None,
                rule.handler_org.short_name or rule.handler_org.name,
            )
        departments = self.district_of.get(grid.path[:4], {})
        department = departments.get(leaf.handler)
        if department is not None:
            return None, "", department.pk, department.name
        if leaf.handler == "branch" and grid.branch_id:
            return grid.branch_id, grid.branch_path, None, grid.branch_name
        return grid.org_id, grid.org_path, None, grid.org_name

    def live(self, draft: Draft) -> None:
        rng, clock, request = self.rng, self.clock, draft.request
        created = draft.created
        leaf = draft.leaf
        full = created >= self.full_from
        open_state = next((value for kind, value in draft.events if kind == "open"), None)
        draft.events = []
        due = clock.due(created, leaf.amount, leaf.unit)
        request.created_at = clock.aware(created)
        request.due_at = clock.aware(due)
        submitter = SOURCE_NAMES.get(request.source, SYSTEM_NAME)
        if request.source == RequestSource.PATROL:
            submitter = f"{draft.grid.branch_name or draft.grid.org_name}网格员"
        draft.events.append(
            (
                created,
                A.SUBMIT,
                "",
                S.REPORTED,
                submitter,
                _source_label(request.source),
                {"due_at": request.due_at.isoformat(), "category": leaf.name},
            )
        )
        dispatcher = f"{draft.grid.org_name}受理员"
        calendar_days = leaf.unit == CD
        # 受理 (or 不予受理)
        if calendar_days:
            accepted = created + datetime.timedelta(minutes=rng.randint(5, 40))
        elif request.source in (RequestSource.PATROL, RequestSource.WALK_IN):
            accepted = created + datetime.timedelta(minutes=rng.randint(2, 20))
        else:
            accepted = clock.next_office(created + datetime.timedelta(minutes=rng.randint(5, 90)), rng)
        if open_state == S.REPORTED or (
            open_state is None and accepted >= self.now and created >= self.open_from
        ):
            self._open(draft, S.REPORTED, due)
            return
        # 不予受理 now and then; at least one recent one (still 不予受理, not yet archived).
        force_reject = not self.rejected_recently and self.now - self.archive_after < accepted < self.now
        if open_state is None and (rng.random() < REJECT_SHARE or force_reject):
            self.rejected_recently = self.rejected_recently or force_reject
            request.state = S.REJECTED
            request.rejection_reason = rng.choice(REJECT_REASONS)
            draft.events.append(
                (
                    accepted,
                    A.REJECT,
                    S.REPORTED,
                    S.REJECTED,
                    dispatcher,
                    request.rejection_reason,
                    {},
                )
            )
            archived = accepted + datetime.timedelta(days=30)
            if archived < self.now:
                request.state = S.ARCHIVED
                request.archived_at = clock.aware(archived)
                if full:
                    draft.events.append((archived, A.ARCHIVE, S.REJECTED, S.ARCHIVED, SYSTEM_NAME, "", {}))
            if not full:
                draft.events = [event for event in draft.events if event[1] in (A.SUBMIT, A.REJECT)]
            self._finish(draft)
            return
        request.accepted_at = clock.aware(accepted)
        draft.events.append((accepted, A.ACCEPT, S.REPORTED, S.ACCEPTED, dispatcher, "", {}))
        if open_state == S.ACCEPTED:
            self._open(draft, S.ACCEPTED, due)
            return
        dispatched = accepted + datetime.timedelta(minutes=rng.randint(3, 60))
        if dispatched >= self.now:
            self._open(draft, S.ACCEPTED, due)
            return
        org_id, org_path, department_id, handler_name = self.handler_of(draft)
        request.handler_org_id, request.handler_org_path, request.handler_department_id = (
            org_id,
            org_path,
            department_id,
        )
        request.dispatched_at = clock.aware(dispatched)
        draft.events.append(
            (
                dispatched,
                A.DISPATCH,
                S.ACCEPTED,
                S.DISPATCHED,
                dispatcher,
                "",
                {"handler": handler_name},
            )
        )
        if open_state == S.RETURNED:
            returned = dispatched + datetime.timedelta(hours=rng.uniform(0.5, 20))
            request.handler_org_id, request.handler_org_path, request.handler_department_id = None, "", None
            reason = rng.choice(RETURN_REASONS)
            draft.events.append(
                (
                    min(returned, self.now - ONE_MINUTE),
                    A.RETURN,
                    S.DISPATCHED,
                    S.RETURNED,
                    handler_name,
                    reason,
                    {},
                )
            )
            self._open(draft, S.RETURNED, due)
            return
        if open_state == S.DISPATCHED:
            self._open(draft, S.DISPATCHED, due)
            return
        started = dispatched + datetime.timedelta(minutes=rng.randint(10, 240))
        if started >= self.now:
            self._open(draft, S.DISPATCHED, due)
            return
        draft.events.append((started, A.START, S.DISPATCHED, S.IN_PROGRESS, handler_name, "", {}))
        if open_state == S.SUSPENDED:
            suspended = max(started + ONE_HOUR, self.now - datetime.timedelta(hours=rng.uniform(2, 60)))
            if suspended >= self.now:
                suspended = self.now - ONE_MINUTE
            request.suspended_at = clock.aware(suspended)
            request.state_before_suspension = S.IN_PROGRESS
            draft.events.append(
                (
                    suspended,
                    A.SUSPEND,
                    S.IN_PROGRESS,
                    S.SUSPENDED,
                    dispatcher,
                    rng.choice(SUSPEND_REASONS),
                    {},
                )
            )
            self._open(draft, S.SUSPENDED, due)
            return
        if open_state == S.IN_PROGRESS:
            self._maybe_whistle(draft, started, self.now, dispatcher, force=True)
            self._open(draft, S.IN_PROGRESS, due)
            return
        # 办结: log-normal around 45% of the time limit (wall time from report to deadline).
        span = (due - created).total_seconds()
        fraction = math.exp(rng.gauss(math.log(0.45), 0.5))
        resolved = created + datetime.timedelta(seconds=int(span * fraction))
        resolved = max(resolved, started + datetime.timedelta(minutes=rng.randint(20, 90)))
        if not calendar_days:
            resolved = clock.office_moment_before(resolved, started + datetime.timedelta(minutes=15), rng)
        feedback = resolved - min(datetime.timedelta(hours=rng.uniform(0.2, 3)), (resolved - started) / 3)
        if open_state == S.FEEDBACK or (open_state is None and resolved >= self.now):
            if open_state is None and created < self.open_from:
                resolved = self.now - datetime.timedelta(hours=rng.uniform(1, 48))
                feedback = max(started + ONE_MINUTE, resolved - ONE_HOUR)
            else:
                feedback = min(feedback, self.now - ONE_MINUTE)
                draft.events.append(
                    (
                        feedback,
                        A.FEEDBACK,
                        S.IN_PROGRESS,
                        S.FEEDBACK,
                        handler_name,
                        rng.choice(RESULTS),
                        {},
                    )
                )
                request.resolution = draft.events[-1][5]
                self._open(draft, S.FEEDBACK, due)
                return
        request.resolution = rng.choice(RESULTS)
        draft.events.append(
            (
                feedback,
                A.FEEDBACK,
                S.IN_PROGRESS,
                S.FEEDBACK,
                handler_name,
                request.resolution,
                {},
            )
        )
        self._maybe_whistle(draft, started, feedback, dispatcher)
        request.state = S.RESOLVED
        request.resolved_at = clock.aware(resolved)
        request.handling_working_hours = clock.working_hours(created, resolved)
        late = resolved > due
        if late:
            overdue = due + min(datetime.timedelta(minutes=rng.randint(1, 5)), (resolved - due) / 2)
            overdue = overdue.replace(microsecond=0)
            request.overdue_at = request.escalated_at = clock.aware(overdue)
            draft.events.append(
                (
                    overdue,
                    A.OVERDUE,
                    "",
                    "",
                    SYSTEM_NAME,
                    "",
                    {"due_at": request.due_at.isoformat()},
                )
            )
            if rng.random() < 0.3 and overdue + ONE_HOUR < resolved:
                request.is_supervised = True
                request.supervised_at = clock.aware(overdue + ONE_HOUR)
                draft.events.append(
                    (
                        overdue + ONE_HOUR,
                        A.SUPERVISE,
                        "",
                        "",
                        "街道督办员",
                        "超期未办结，请加快办理。",
                        {},
                    )
                )
        draft.events.append((resolved, A.APPROVE, S.FEEDBACK, S.RESOLVED, dispatcher, "", {}))
        invited = resolved + datetime.timedelta(days=3)
        if invited < self.now:
            request.rating_invited_at = clock.aware(invited)
            draft.events.append((invited, A.RATING_INVITED, "", "", SYSTEM_NAME, "", {}))
        if rng.random() < RATED_SHARE:
            rated = resolved + datetime.timedelta(hours=rng.uniform(2, 240))
            if rated < self.now:
                code = _choose(rng, self.rating_late if late else self.rating_on_time)
                level = self.levels[code]
                recent = created >= self.open_from - datetime.timedelta(
                    days=30
                ) and rated < self.now - datetime.timedelta(hours=3)
                # At least one reopened request at every scale (the demo shows one).
                if recent and not self.reopened and self.bad_levels and not level.is_bad:
                    level = self.bad_levels[0]
                comment = rng.choice(BAD_COMMENTS) if level.is_bad else rng.choice(GOOD_COMMENTS)
                if level.is_bad and recent and (rng.random() < 0.5 or not self.reopened):
                    self._reopen(draft, resolved, rated, level, comment, handler_name, dispatcher)
                    return
                request.state = S.RATED
                request.rating_level, request.rating_is_bad = level.code, level.is_bad
                request.rating_comment, request.rated_at = comment, clock.aware(rated)
                draft.events.append(
                    (
                        rated,
                        A.RATE,
                        S.RESOLVED,
                        S.RATED,
                        RESIDENT_NAME,
                        level.name + (f"：{comment}" if comment else ""),
                        {},
                    )
                )
                if level.is_bad:
                    if rated > self.now - datetime.timedelta(days=14):
                        request.follow_up_state = FollowUpState.OPEN
                    else:
                        request.follow_up_state = FollowUpState.DONE
                        draft.events.append(
                            (
                                rated + datetime.timedelta(days=1),
                                A.FOLLOW_UP,
                                "",
                                "",
                                dispatcher,
                                "已回访居民并整改到位。",
                                {},
                            )
                        )
        archived = resolved + self.archive_after
        if archived < self.now and request.follow_up_state != FollowUpState.OPEN:
            draft.events.append((archived, A.ARCHIVE, request.state, S.ARCHIVED, SYSTEM_NAME, "", {}))
            request.state = S.ARCHIVED
            request.archived_at = clock.aware(archived)
        if not full:
            draft.events = [event for event in draft.events if event[1] in (A.SUBMIT, A.APPROVE)]
            draft.whistle = None
        self._finish(draft)

    def _reopen(self, draft, resolved, rated, level, comment, handler_name, dispatcher) -> None:
        """A 差评 led to 重新打开: the request is worked on again under a new deadline."""
        rng, clock, request = self.rng, self.clock, draft.request
        draft.events.append(
            (
                rated,
                A.RATE,
                S.RESOLVED,
                S.RATED,
                RESIDENT_NAME,
                level.name + (f"：{comment}" if comment else ""),
                {},
            )
        )
        reopened = min(rated + datetime.timedelta(hours=rng.uniform(1, 24)), self.now - ONE_HOUR)
        reopened = max(reopened, rated + ONE_MINUTE).replace(microsecond=0)
        draft.events.append((reopened, A.REOPEN, S.RATED, S.ACCEPTED, dispatcher, "居民差评，重新办理。", {}))
        request.reopen_count = 1
        request.follow_up_state = FollowUpState.DONE
        request.resolved_at = request.handling_working_hours = None
        request.rating_invited_at = request.overdue_at = request.escalated_at = None
        request.is_supervised, request.supervised_at = False, None
        draft.events = [event for event in draft.events if event[1] not in (A.OVERDUE, A.SUPERVISE)]
        due = clock.due(reopened, request.limit_amount, request.limit_unit)
        request.due_at = clock.aware(due)
        again = min(reopened + datetime.timedelta(minutes=rng.randint(10, 120)), self.now - ONE_MINUTE)
        request.dispatched_at = clock.aware(again)
        draft.events.append(
            (
                again,
                A.DISPATCH,
                S.ACCEPTED,
                S.DISPATCHED,
                dispatcher,
                "",
                {"handler": handler_name},
            )
        )
        self.reopened += 1
        self._open(draft, S.DISPATCHED, due)

    def _maybe_whistle(self, draft: Draft, started, until, dispatcher, force: bool = False) -> None:
        rng = self.rng
        if draft.created < self.full_from:
            return
        if not (rng.random() < 0.006 or (force and self.whistles_made == 0)):
            return
        departments = self.district_of.get(draft.grid.path[:4], {})
        if not departments:
            return
        department = departments[rng.choice(sorted(departments))]
        if department.pk == draft.request.handler_department_id:
            return
        if until - started < datetime.timedelta(minutes=20):
            return
        called = started + (until - started) * rng.uniform(0.05, 0.3)
        called = called.replace(microsecond=0)
        due = self.clock.due(called, department.report_limit_amount, department.report_limit_unit)
        draft.events.append(
            (
                called,
                A.WHISTLE,
                "",
                "",
                dispatcher,
                "涉及多部门职责，吹哨请求协同处置。",
                {"department": department.name, "report_due_at": self.clock.aware(due).isoformat()},
            )
        )
        reported = called + min(datetime.timedelta(minutes=rng.randint(20, 200)), (until - called) / 2)
        reported = reported.replace(microsecond=0)
        state, reported_at = WhistleState.CALLED, None
        if reported < self.now and rng.random() < 0.85:
            state, reported_at = WhistleState.REPORTED, reported
            draft.events.append(
                (
                    reported,
                    A.WHISTLE_REPORT,
                    S.IN_PROGRESS,
                    S.DISPATCHED,
                    department.name,
                    "已到现场报到。",
                    {"department": department.name, "on_time": reported <= due},
                )
            )
            draft.events.append(
                (
                    reported + ONE_MINUTE,
                    A.START,
                    S.DISPATCHED,
                    S.IN_PROGRESS,
                    department.name,
                    "",
                    {},
                )
            )
            draft.request.handler_org_id, draft.request.handler_org_path = None, ""
            draft.request.handler_department_id = department.pk
        elif due + ONE_MINUTE < min(until, self.now):
            state = WhistleState.OVERDUE
            data = {"department": department.name}
            draft.events.append((due + ONE_MINUTE, A.WHISTLE_OVERDUE, "", "", SYSTEM_NAME, "", data))
        draft.whistle = (department.pk, called, due, state, reported_at)
        self.whistles_made += 1

    def _open(self, draft: Draft, state: str, due: datetime.datetime) -> None:
        """An open request at ``state``; overdue ones carry the overdue mark (some 督办)."""
        request, rng = draft.request, self.rng
        request.state = state
        if state == S.SUSPENDED:
            pass
        elif due < self.now:
            overdue = due + datetime.timedelta(minutes=rng.randint(1, 5))
            request.overdue_at = request.escalated_at = self.clock.aware(overdue)
            draft.events.append(
                (
                    overdue,
                    A.OVERDUE,
                    "",
                    "",
                    SYSTEM_NAME,
                    "",
                    {"due_at": request.due_at.isoformat()},
                )
            )
            draft.events.append((overdue, A.ESCALATE, "", "", SYSTEM_NAME, "", {}))
            if rng.random() < 0.4:
                request.is_supervised = True
                request.supervised_at = self.clock.aware(overdue + ONE_HOUR)
                draft.events.append(
                    (
                        overdue + ONE_HOUR,
                        A.SUPERVISE,
                        "",
                        "",
                        "街道督办员",
                        "超期未办结，请加快办理。",
                        {},
                    )
                )
        elif due - self.remind_before < self.now and state in (
            S.ACCEPTED,
            S.DISPATCHED,
            S.IN_PROGRESS,
            S.RETURNED,
        ):
            reminded = max(draft.created, due - self.remind_before)
            request.reminded_at = self.clock.aware(reminded)
            draft.events.append(
                (
                    reminded,
                    A.REMIND,
                    "",
                    "",
                    SYSTEM_NAME,
                    "",
                    {"due_at": request.due_at.isoformat()},
                )
            )
        if not request.is_supervised and rng.random() < 0.03:
            supervised = self.now - datetime.timedelta(hours=rng.uniform(0.5, 10))
            if supervised > draft.created:
                request.is_supervised, request.supervised_at = True, self.clock.aware(supervised)
                draft.events.append(
                    (
                        supervised,
                        A.SUPERVISE,
                        "",
                        "",
                        "街道督办员",
                        "群众反映强烈，请优先办理。",
                        {},
                    )
                )
        self._finish(draft)

    def _finish(self, draft: Draft) -> None:
        request = draft.request
        request.updated_at = self.clock.aware(max(event[0] for event in draft.events))
        self.counts[request.state] += 1
        self.counts["requests"] += 1

    # --- writing --------------------------------------------------------------------------------------
    def write(self, drafts: list[Draft]) -> int:
        """Requests and events by COPY (PostgreSQL) or executemany (SQLite); whistles by bulk_create."""
        if not drafts:
            return 0
        ids = _reserve_ids(ServiceRequest, len(drafts))
        for draft, request_id in zip(drafts, ids, strict=True):
            draft.request.id = request_id
        request_fields = list(ServiceRequest._meta.concrete_fields)
        timestamp = _db_datetime()
        datetime_columns = {
            field.attname for field in request_fields if field.get_internal_type() == "DateTimeField"
        }
        request_rows = []
        convert = connection.vendor != "postgresql"  # PostgreSQL takes the aware datetimes as they are
        for draft in drafts:
            values = draft.request
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
            _copy_rows(model, columns, rows)
            return
        with stats.stage(stage, rows=len(rows)):
            _copy_rows(model, columns, rows)


class Row(dict):
    """A request's column values by attribute name (cheaper than a model instance for a million)."""

    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__


def _db_datetime():
    """How an aware datetime goes into the database: as is (PostgreSQL), or UTC text (SQLite)."""
    if connection.vendor == "postgresql":
        return lambda value: value
    return lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None))


def _reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys: from the table's sequence (PostgreSQL) or after the largest."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _copy_rows(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])


_LABELS: dict[str, str] = {}


def _source_label(source: str) -> str:
    label = _LABELS.get(source)
    if label is None:
        label = _LABELS[source] = str(RequestSource(source).label)
    return label


def _choose(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    return _pick(rng, [code for code, _ in weighted], _cumulative([weight for _, weight in weighted]))

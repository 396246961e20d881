"""The rule engine of the pipeline: evaluates a step's time rules (data on ``StepDefinition``)
against an applicant's dated records, and works out which step is next and by when.

Pure functions over plain values, so the services, the timeline page and the demo data generator
share them and none of them runs a query of its own.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

RULE_KINDS = {"after", "min_age", "league_under", "members", "prior_count", "training", "vote", "months"}
REGULATION = _("the Regulations on the Work of Developing Party Members")
# Written opinions of voting members absent from a 支部大会, handed in before it (细则 第二十一条):
# member ids by the way they voted.
WRITTEN_OPINION_KEYS = ("written_in_favour", "written_against", "written_abstain")


def add_interval(date: datetime.date, interval: Mapping | None, *, extra_months: int = 0) -> datetime.date:
    """``date`` plus ``{"years": y, "months": m, "days": d}`` (a month end stays in its month)."""
    interval = interval or {}
    months = int(interval.get("years", 0)) * 12 + int(interval.get("months", 0)) + extra_months
    year, month = divmod(date.month - 1 + months, 12)
    year, month = date.year + year, month + 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day) + datetime.timedelta(days=int(interval.get("days", 0)))


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def describe_interval(interval: Mapping) -> str:
    parts = []
    for unit, label in (
        ("years", _("%(n)s year(s)")),
        ("months", _("%(n)s month(s)")),
        ("days", _("%(n)s day(s)")),
    ):
        if interval.get(unit):
            parts.append(str(label) % {"n": interval[unit]})
    return "".join(parts)


def cite(rule: Mapping) -> str:
    """The rule's words with its source: ``确定为发展对象须…（《…细则》第十三条）``.

    A rule of another document names it in ``source`` (党章, or 本地规定 for local practice); a
    rule whose article is not confirmed cites its document without a number.
    """
    text = rule.get("text") or rule.get("kind", "")
    regulation = rule.get("source") or REGULATION
    article = rule.get("article", "")
    if not article:
        return gettext("%(text)s (%(regulation)s)") % {"text": text, "regulation": regulation}
    return gettext("%(text)s (%(regulation)s %(article)s)") % {
        "text": text,
        "regulation": regulation,
        "article": article,
    }


class Warn(str):
    """A detail that only warns although its rule refuses otherwise (late without a reason)."""


def fmt(date: datetime.date) -> str:
    return date_format(date, "DATE_FORMAT")


@dataclass
class Context:
    """What the rules read: the applicant, the step's date and values, the earlier records."""

    date: datetime.date
    birth_date: datetime.date | None
    source: str
    values: Mapping
    # Dates of the applicant's earlier records, by step code, oldest first.
    done: Mapping[str, list[datetime.date]]
    step_names: Mapping[str, str]
    extension_months: int = 0
    # Active 正式党员 among the member ids named in the values (filled by the service).
    full_member_ids: set[int] = field(default_factory=set)
    # Those of the named members under 留党察看 or with rights suspended on the date (filled by the
    # service): they cannot be 入党介绍人 (细则 第十四条).
    restricted_member_ids: set[int] = field(default_factory=set)
    # 应到会有表决权 of the branch on the date (``members.voters``).
    voters: int = 0
    # Those of the members named in written opinions who have a vote in the branch on the date.
    written_voter_ids: set[int] = field(default_factory=set)


@dataclass
class Outcome:
    errors: list[tuple[dict, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _ids(value) -> list[int]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    result = []
    for item in value:
        try:
            result.append(int(item))
        except (TypeError, ValueError):
            continue
    return result


def _check(rule: Mapping, ctx: Context) -> str | None:
    """The refusal detail of one rule, or None when it holds."""
    kind = rule.get("kind")
    if kind == "after":
        ref = rule.get("step", "")
        ref_name = ctx.step_names.get(ref, ref)
        dates = ctx.done.get(ref) or []
        if not dates:
            return gettext("“%(step)s” has not been recorded yet; record it first.") % {"step": ref_name}
        ref_date = dates[-1]
        extra = ctx.extension_months if rule.get("plus_extension") else 0
        if rule.get("min") or extra:
            earliest = add_interval(ref_date, rule.get("min"), extra_months=extra)
            if ctx.date < earliest:
                return gettext("“%(step)s” is dated %(date)s; the earliest allowed date is %(earliest)s.") % {
                    "step": ref_name,
                    "date": fmt(ref_date),
                    "earliest": fmt(earliest),
                }
        elif ctx.date < ref_date:
            return gettext("“%(step)s” is dated %(date)s; this step cannot be dated earlier.") % {
                "step": ref_name,
                "date": fmt(ref_date),
            }
        if rule.get("max"):
            extra = ctx.extension_months if rule.get("plus_extension") else 0
            latest = add_interval(ref_date, rule["max"], extra_months=extra)
            if ctx.date > latest:
                return _late(rule, ctx, ref_name, ref_date, latest, extra)
        return None
    if kind == "min_age":
        if ctx.birth_date is None:
            return gettext("The birth date is unknown; enter it on the person first.")
        age = age_on(ctx.birth_date, ctx.date)
        if age < int(rule.get("years", 18)):
            return gettext("born on %(birth)s, the applicant is %(age)s years old on %(date)s.") % {
                "birth": fmt(ctx.birth_date),
                "age": age,
                "date": fmt(ctx.date),
            }
        return None
    if kind == "league_under":
        young = ctx.birth_date is not None and age_on(ctx.birth_date, ctx.date) < int(rule.get("years", 28))
        if young and ctx.source != "league":
            return gettext("the applicant is %(age)s years old and was not recommended by the League.") % {
                "age": age_on(ctx.birth_date, ctx.date)
            }
        return None
    if kind == "members":
        ids = _ids(ctx.values.get(rule.get("value", "")))
        not_full = [member_id for member_id in ids if member_id not in ctx.full_member_ids]
        if not_full:
            return gettext("%(count)s of the named people are not active full members.") % {
                "count": len(not_full)
            }
        if len(set(ids)) != len(ids):
            return gettext("the same member is named twice.")
        restricted = [member_id for member_id in ids if member_id in ctx.restricted_member_ids]
        if restricted and rule.get("value") == "introducers":
            return gettext(
                "%(count)s of the named introducers are under 留党察看 or have their rights suspended on "
                "%(date)s and cannot be 入党介绍人 (细则第十四条)."
            ) % {"count": len(restricted), "date": fmt(ctx.date)}
        low = rule.get("count", rule.get("min"))
        high = rule.get("count", rule.get("max"))
        if (low is not None and len(ids) < int(low)) or (high is not None and len(ids) > int(high)):
            return gettext("%(count)s named.") % {"count": len(ids)}
        return None
    if kind == "prior_count":
        count = len([d for d in ctx.done.get(rule.get("step", ""), []) if d <= ctx.date])
        if count < int(rule.get("min", 1)):
            return gettext("%(count)s recorded before %(date)s.") % {"count": count, "date": fmt(ctx.date)}
        return None
    if kind == "training":
        days = _number(ctx.values.get("days"))
        # ``studied_hours``: recorded study of training courses (``core.registry.training_hours``).
        hours = _number(ctx.values.get("hours")) + _number(ctx.values.get("studied_hours"))
        if days >= float(rule.get("min_days", 3)) or hours >= float(rule.get("min_hours", 24)):
            return None
        return gettext("%(days)s days and %(hours)s class hours recorded.") % {
            "days": _plain(days),
            "hours": _plain(hours),
        }
    if kind == "vote":
        return _check_vote(ctx)
    if kind == "months":
        months = int(_number(ctx.values.get(rule.get("value", "months"))))
        if months < int(rule.get("min", 0)) or months > int(rule.get("max", 10**6)):
            return gettext("%(months)s months recorded.") % {"months": months}
        return None
    return None


def _check_vote(ctx: Context) -> str | None:
    """支部大会: quorum (细则第二十条) and majority with the written opinions (细则第二十一条).

    ``present`` and ``in_favour`` / ``against`` / ``abstain`` are the members with a vote at the
    meeting; the written opinions of absent voting members are counted in the votes, not in the
    attendance. Both thresholds are "more than half of 应到会有表决权" (``ctx.voters``).
    """
    present = int(_number(ctx.values.get("present")))
    in_favour = int(_number(ctx.values.get("in_favour")))
    against = int(_number(ctx.values.get("against")))
    abstain = int(_number(ctx.values.get("abstain")))
    voters = ctx.voters
    written = {key: _ids(ctx.values.get(key)) for key in WRITTEN_OPINION_KEYS}
    named = [member_id for ids in written.values() for member_id in ids]
    if len(set(named)) != len(named):
        return gettext("a written opinion is recorded twice for the same member.")
    without_vote = [member_id for member_id in named if member_id not in ctx.written_voter_ids]
    if without_vote:
        return gettext(
            "%(count)s of the written opinions are not from members with a vote in this branch on %(date)s; "
            "only the written opinions of absent members with a vote count (细则第二十一条)."
        ) % {"count": len(without_vote), "date": fmt(ctx.date)}
    if in_favour + against + abstain > present:
        return gettext(
            "%(votes)s votes cast at the meeting but only %(present)s present; record the written opinions "
            "of absent members separately."
        ) % {"votes": in_favour + against + abstain, "present": present}
    if present + len(named) > voters:
        return gettext(
            "%(present)s present and %(written)s written opinions, but only %(voters)s members have a vote "
            "in the branch (正式党员 of the branch and its 党小组, without those under 留党察看)."
        ) % {"present": present, "written": len(named), "voters": voters}
    if present * 2 <= voters:
        return gettext(
            "no quorum: %(present)s of the %(voters)s full members entitled to vote were present; more "
            "than half are needed."
        ) % {"present": present, "voters": voters}
    written_in_favour = len(written["written_in_favour"])
    if (in_favour + written_in_favour) * 2 <= voters:
        if not written_in_favour:
            return gettext(
                "not passed: %(favour)s in favour of the %(voters)s full members entitled to vote; more than "
                "half are needed."
            ) % {"favour": in_favour, "voters": voters}
        return gettext(
            "not passed: %(favour)s in favour (%(written)s of them in written opinions, 细则第二十一条) of the "
            "%(voters)s full members entitled to vote; more than half are needed."
        ) % {"favour": in_favour + written_in_favour, "written": written_in_favour, "voters": voters}
    return None


def _late(rule: Mapping, ctx: Context, ref_name: str, ref_date: datetime.date, latest, extra: int):
    """The detail of a date past ``max``: accepted up to ``max_with_reason`` when a reason is
    recorded (the approval of a 预备党员 delayed for special reasons, a transferred-in member's
    转正 discussion postponed); a warning only, past ``max`` without a reason, where the rule says
    ``warning_without_reason``."""
    reason = str(ctx.values.get(rule.get("reason", "")) or "").strip() if rule.get("reason") else ""
    if rule.get("max_with_reason"):
        longest = add_interval(ref_date, rule["max_with_reason"], extra_months=extra)
        if reason and ctx.date <= longest:
            return None
        if reason:
            return gettext(
                "“%(step)s” is dated %(date)s; even with a recorded reason the latest allowed date was "
                "%(latest)s."
            ) % {"step": ref_name, "date": fmt(ref_date), "latest": fmt(longest)}
        detail = gettext(
            "“%(step)s” is dated %(date)s; the latest allowed date was %(latest)s. For special reasons "
            "it may be up to %(longest)s: record the reason."
        ) % {"step": ref_name, "date": fmt(ref_date), "latest": fmt(latest), "longest": fmt(longest)}
        return Warn(detail) if rule.get("warning_without_reason") else detail
    return gettext("“%(step)s” is dated %(date)s; the latest allowed date was %(latest)s.") % {
        "step": ref_name,
        "date": fmt(ref_date),
        "latest": fmt(latest),
    }


def _number(value) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def _plain(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def evaluate(rules: Iterable[Mapping], ctx: Context) -> Outcome:
    """Every rule of a step against ``ctx``: refusals (rule, message) and warnings (messages)."""
    outcome = Outcome()
    for rule in rules:
        detail = _check(rule, ctx)
        if detail is None:
            continue
        message = gettext("%(rule)s: %(detail)s") % {"rule": cite(rule), "detail": detail}
        if rule.get("warning") or isinstance(detail, Warn):
            outcome.warnings.append(message)
        else:
            outcome.errors.append((dict(rule), message))
    return outcome


@dataclass
class Due:
    """When a step not yet recorded can or must happen."""

    earliest: datetime.date | None = None
    deadline: datetime.date | None = None
    ready: bool = True  # every step it follows is recorded

    @property
    def date(self) -> datetime.date | None:
        return self.deadline or self.earliest


def due_of(step, done: Mapping[str, list[datetime.date]], extension_months: int = 0) -> Due:
    """The earliest date and the deadline of ``step`` from its ``after`` rules and the records."""
    due = Due()
    for rule in step.rules or []:
        if rule.get("kind") != "after":
            continue
        dates = done.get(rule.get("step", "")) or []
        if not dates:
            due.ready = False
            continue
        ref = dates[-1]
        extra = extension_months if rule.get("plus_extension") else 0
        earliest = (
            add_interval(ref, rule.get("min"), extra_months=extra) if (rule.get("min") or extra) else ref
        )
        due.earliest = max(due.earliest, earliest) if due.earliest else earliest
        if rule.get("max"):
            deadline = add_interval(ref, rule["max"], extra_months=extra)
            due.deadline = min(due.deadline, deadline) if due.deadline else deadline
    return due


def next_step(steps, done: Mapping[str, list[datetime.date]], extension_months: int = 0):
    """The first required step not yet recorded, in order, with its ``Due``; (None, None) at the end.

    ``steps`` are the active step definitions in order.
    """
    for step in steps:
        if not step.is_required or step.code in done:
            continue
        return step, due_of(step, done, extension_months)
    return None, None

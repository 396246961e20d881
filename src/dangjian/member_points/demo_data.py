"""Demo and benchmark data of 党员积分: the default rule table from a year back, then the posting
of the last twelve months from the records the other steps generated (meetings attended, hours,
dues paid on time, posts held), and a few manual awards and deductions with reasons.

The posting is the service itself (set-based, month by month, batched inserts), so the step
measures what the daily job costs at the generated scale.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dangjian.core.generator.steps import generator_step
from dangjian.member_points.choices import EntryKind
from dangjian.member_points.models import PointEntry
from dangjian.member_points.services import ensure_default_rules, month_of, post_points
from dangjian.members.models import PartyMember

MONTHS = 12
MANUAL_SHARE = 0.01
AWARDS = [
    (Decimal("5"), "参加社区疫情防控志愿服务表现突出"),
    (Decimal("3"), "主动认领微心愿并完成"),
    (Decimal("-2"), "无故缺席主题党日"),
    (Decimal("-3"), "未按要求参加集中学习"),
]


@generator_step("member_points", order=70)
def generate_member_points(generator) -> int:
    rng, today = generator.rng, generator.today
    since = month_of(today).replace(year=today.year - 1)
    ensure_default_rules(since)
    result = post_points(since, today, audited=False)  # the generator's import line stands for it
    members = list(
        PartyMember.objects.filter(is_active=True).order_by("pk").values_list("person_id", "org_id")
    )
    manual = []
    for person_id, org_id in members:
        if rng.random() >= MANUAL_SHARE:
            continue
        points, reason = rng.choice(AWARDS)
        day = today - datetime.timedelta(days=rng.randint(0, 360))
        manual.append(
            PointEntry(
                person_id=person_id,
                org_id=org_id,
                month=month_of(day),
                occurred_on=day,
                points=points,
                kind=EntryKind.MANUAL,
                reason=reason,
            )
        )
    generator.insert(PointEntry, manual, "member_points")
    return result.created + len(manual)

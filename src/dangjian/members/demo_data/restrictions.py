"""Demo and benchmark data of 留党察看 and suspended rights: about one full member in three hundred
(at least one) is under 留党察看 today, and a few have a past period that has ended, so the demo
shows a member without a vote. Committee members and people with a login are left out, so the
demo's committees and ballots stay consistent. Runs before development and elections, which then
leave these members out of introducers and voters. Bulk inserts; deterministic per seed.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from dangjian.core.generator.steps import generator_step
from dangjian.members.choices import MemberStatus, RestrictionKind
from dangjian.members.models import PartyMember, RightsRestriction
from dangjian.orgs.models import CommitteeMember

SHARE = 1 / 300
ORGANS = ["中共某街道工作委员会", "中共某社区委员会", "区纪委"]
DECISIONS = [
    "违反组织纪律，给予留党察看一年处分。",
    "违反廉洁纪律，给予留党察看一年处分。",
    "违反工作纪律，给予留党察看二年处分。",
]


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@generator_step("restrictions", order=5)
def generate_restrictions(generator) -> int:
    rng, today = generator.rng, generator.today
    user_model = get_user_model()
    candidates = list(
        PartyMember.objects.filter(is_active=True, status=MemberStatus.FULL)
        .exclude(Exists(CommitteeMember.objects.filter(person_id=OuterRef("person_id"))))
        .exclude(Exists(user_model.objects.filter(person_id=OuterRef("person_id"))))
        .order_by("pk")
        .values_list("pk", "org_id")
    )
    if not candidates:
        return 0
    count = max(1, round(len(candidates) * SHARE))
    picked = rng.sample(candidates, min(len(candidates), count * 2))
    rows = []
    for index, (member_id, _org_id) in enumerate(picked):
        years = 2 if index % 3 == 2 else 1
        if index < count:
            # In force today: started up to ten months ago.
            starts = today - datetime.timedelta(days=rng.randint(30, 300))
        else:
            # An earlier period that has ended.
            starts = _add_years(today, -3) - datetime.timedelta(days=rng.randint(0, 300))
        rows.append(
            RightsRestriction(
                member_id=member_id,
                kind=RestrictionKind.PROBATION_WITHIN_PARTY,
                starts_on=starts,
                ends_on=_add_years(starts, years) - datetime.timedelta(days=1),
                decision_number=f"{starts.year}年第{index + 1}号",
                decision_organ=rng.choice(ORGANS),
                decision_text=DECISIONS[index % len(DECISIONS)],
            )
        )
    RightsRestriction.objects.bulk_create(rows)
    return len(rows)

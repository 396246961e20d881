"""Demo and benchmark data of transfers (组织关系转接): letters within the system in every state,
letters to organizations outside it (some with their 回执 back, so those members left the
ledger) and letters from outside (accepted, open, returned, expired) with what each states about
the membership in its ``incoming_*`` fields; no audit lines (the generator writes one of its own).

About one member in forty has a letter within the system and one in two hundred a letter to or
from the outside. Letters are numbered per year like the service numbers them, so numbers are
unique and the next letter issued in the app continues the sequence. Bulk inserts only;
deterministic per seed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import F
from django.utils import timezone

from dangjian.core.generator.steps import generator_step
from dangjian.core.models import Person
from dangjian.members.choices import MemberStatus, TransferDirection, TransferState
from dangjian.members.models import PartyMember, Transfer, transfer_valid_days
from dangjian.members.services import LETTER_PREFIX
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

INTERNAL_SHARE = 1 / 40
EXTERNAL_SHARE = 1 / 200
MINIMUM_PER_KIND = 8
EXTERNAL_ORGS = [
    "中共上海市浦东新区委员会组织部",
    "中共广州市天河区委员会组织部",
    "中共成都市武侯区委员会组织部",
    "中共杭州市西湖区委员会组织部",
    "中国人民解放军某部政治工作处",
    "中共武汉市洪山区委员会组织部",
]
REASONS = ["搬家", "工作调动", "退休后回原籍", "随子女居住", "考入外地院校", "单位变更"]
RETURN_REASONS = ["介绍信信息有误，请核实后重开", "接收单位与介绍信不符", "党员本人尚未报到"]
# The mix of states, in this order, for each kind of letter.
STATES = [
    TransferState.ACCEPTED,
    TransferState.ACCEPTED,
    TransferState.ACCEPTED,
    TransferState.INITIATED,
    TransferState.INITIATED,
    TransferState.RETURNED,
    TransferState.EXPIRED,
]


# Letters from outside to people who are not members yet, in this order: half of them open.
INCOMING_STATES = [
    TransferState.INITIATED,
    TransferState.RETURNED,
    TransferState.INITIATED,
    TransferState.EXPIRED,
]
# Someone named by a letter from outside joined at 18 at the earliest and is full a year later.
ADULT_DAYS = 21 * 366
PROBATIONARY_SHARE = 0.15


def _external_number(rng, today: datetime.date) -> str:
    """The issuing organization's own number, as printed on its letter (e.g. 组转〔2026〕17号)."""
    return f"组转〔{today.year - rng.randint(0, 1)}〕{rng.randint(1, 400)}号"


def _stated_membership(rng, birth_date: datetime.date, today: datetime.date) -> dict:
    """What a letter from outside states: a 预备党员 admitted within the year, or a full member
    admitted at 18 or later and 转正 exactly a year after, never in the future."""
    if rng.random() < PROBATIONARY_SHARE:
        joined_on = today - datetime.timedelta(days=rng.randint(30, 330))
        return {
            "incoming_status": MemberStatus.PROBATIONARY,
            "incoming_joined_on": joined_on,
            "incoming_regularized_on": None,
        }
    earliest = birth_date + datetime.timedelta(days=18 * 366)
    latest = today - datetime.timedelta(days=2 * 366)
    joined_on = earliest + datetime.timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
    return {
        "incoming_status": MemberStatus.FULL,
        "incoming_joined_on": joined_on,
        "incoming_regularized_on": joined_on + datetime.timedelta(days=365),
    }


class _Letters:
    """Numbers letters per year of issue and fills in the dates of each state."""

    def __init__(self, generator):
        self.generator = generator
        self.rng = generator.rng
        self.today = generator.today
        self.sequence: dict[int, int] = defaultdict(int)
        self.valid_days = transfer_valid_days()

    def number(self, issued: datetime.date) -> str:
        self.sequence[issued.year] += 1
        return f"{LETTER_PREFIX}{issued.year}-{self.sequence[issued.year]:06d}"

    def dated(self, state: str, **fields) -> Transfer:
        """A letter in ``state`` with consistent dates: open ones are still valid, expired ones not."""
        rng, today = self.rng, self.today
        if state == TransferState.INITIATED:
            issued = today - datetime.timedelta(days=rng.randint(0, self.valid_days - 5))
        elif state == TransferState.EXPIRED:
            issued = today - datetime.timedelta(days=rng.randint(self.valid_days + 2, 700))
        else:
            issued = today - datetime.timedelta(days=rng.randint(15, 720))
        valid_until = issued + datetime.timedelta(days=self.valid_days)
        initiated_at = timezone.make_aware(
            datetime.datetime.combine(issued, datetime.time(9 + rng.randint(0, 7)))
        )
        decided_at = None
        decision_note = ""
        if state == TransferState.EXPIRED:
            decided_at = initiated_at + datetime.timedelta(days=self.valid_days + 1)
        elif state in (TransferState.ACCEPTED, TransferState.RETURNED):
            decided_at = initiated_at + datetime.timedelta(days=rng.randint(1, 12))
            if state == TransferState.RETURNED:
                decision_note = rng.choice(RETURN_REASONS)
        return Transfer(
            letter_number=self.number(issued),
            state=state,
            valid_until=valid_until,
            initiated_at=initiated_at,
            decided_at=decided_at,
            decision_note=decision_note,
            reason=rng.choice(REASONS),
            **fields,
        )


def _count(members: int, share: float) -> int:
    return max(MINIMUM_PER_KIND, round(members * share))


@generator_step("transfers", order=60)
def generate_transfers(generator) -> int:
    rng = generator.rng
    letters = _Letters(generator)
    branches = list(
        Organization.objects.filter(is_active=True, kind__in=BRANCH_KINDS)
        .order_by("path")
        .values_list("pk", "path")
    )
    # The demo logins' people stay where the README says they are: a transfer out would take the
    # 党员 login's membership off the ledger (and its vote in the demo election).
    anchors = getattr(generator, "anchors", None)
    drafts = (
        (anchors.member, anchors.grid_leader, anchors.community_secretary, anchors.street_secretary)
        if anchors is not None
        else ()
    )
    demo_people = [draft.person.pk for draft in drafts if draft is not None and draft.person.pk]
    members = list(
        PartyMember.objects.filter(is_active=True)
        .exclude(person_id__in=demo_people)
        .order_by("pk")
        .values("pk", "org_id", "person_id", "version", "status", "joined_on", "regularized_on")
    )
    if len(branches) < 2 or len(members) < 4:
        return 0
    picked = rng.sample(
        members,
        min(len(members), _count(len(members), INTERNAL_SHARE) + 2 * _count(len(members), EXTERNAL_SHARE)),
    )
    internal_count = min(len(picked) // 2, _count(len(members), INTERNAL_SHARE))
    internal, rest = picked[:internal_count], picked[internal_count:]
    outgoing, incoming_accepted = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    rows: list[Transfer] = []

    def other_branch(org_id: int) -> int:
        while True:
            candidate = rng.choice(branches)[0]
            if candidate != org_id:
                return candidate

    for index, member in enumerate(internal):
        state = STATES[index % len(STATES)]
        if state == TransferState.ACCEPTED:
            # An old move: the member came from another branch into the one they are in now.
            from_org, to_org = other_branch(member["org_id"]), member["org_id"]
        else:
            from_org, to_org = member["org_id"], other_branch(member["org_id"])
        rows.append(
            letters.dated(
                state,
                member_id=member["pk"],
                from_org_id=from_org,
                to_org_id=to_org,
                member_version=member["version"],
            )
        )

    left_ledger: list[int] = []
    for index, member in enumerate(outgoing):
        state = STATES[index % len(STATES)]
        if state == TransferState.ACCEPTED:
            left_ledger.append(member["pk"])
        rows.append(
            letters.dated(
                state,
                direction=TransferDirection.OUTGOING,
                member_id=member["pk"],
                from_org_id=member["org_id"],
                external_org_name=rng.choice(EXTERNAL_ORGS),
                member_version=member["version"],
            )
        )

    # Letters from outside carry what the paper letter states about the membership: accepted
    # ones brought in members who are in the ledger now (the facts are the member's), open,
    # returned and expired ones name adults known to the system who are not members.
    for member in incoming_accepted:
        rows.append(
            letters.dated(
                TransferState.ACCEPTED,
                direction=TransferDirection.INCOMING,
                member_id=member["pk"],
                incoming_person_id=member["person_id"],
                to_org_id=member["org_id"],
                external_org_name=rng.choice(EXTERNAL_ORGS),
                external_letter_number=_external_number(rng, letters.today),
                incoming_status=member["status"],
                incoming_joined_on=member["joined_on"],
                incoming_regularized_on=member["regularized_on"],
                member_version=member["version"],
            )
        )
    outsiders = list(
        Person.objects.filter(
            membership__isnull=True,
            birth_date__lte=letters.today - datetime.timedelta(days=ADULT_DAYS),
        )
        .order_by("pk")
        .values_list("pk", "birth_date")[: _count(len(members), EXTERNAL_SHARE)]
    )
    for index, (person_id, birth_date) in enumerate(outsiders):
        rows.append(
            letters.dated(
                INCOMING_STATES[index % len(INCOMING_STATES)],
                direction=TransferDirection.INCOMING,
                incoming_person_id=person_id,
                to_org_id=rng.choice(branches)[0],
                external_org_name=rng.choice(EXTERNAL_ORGS),
                external_letter_number=_external_number(rng, letters.today),
                **_stated_membership(rng, birth_date, letters.today),
                member_version=0,
            )
        )

    generator.insert(Transfer, rows, "transfers")
    if left_ledger:
        PartyMember.objects.filter(pk__in=left_ledger).update(is_active=False, version=F("version") + 1)
    return len(rows)

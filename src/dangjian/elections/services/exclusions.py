"""应到会 of an election: the voters expected, which may leave out members of five categories
with the superior's consent and the meeting's approval recorded (选举工作条例 2020; DOMAIN.md)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import RuleViolation
from dangjian.elections.choices import ElectionState, ExclusionCategory
from dangjian.elections.models import Election, VoterExclusion
from dangjian.elections.services.common import _locked, _require_state, voters
from dangjian.members.models import PartyMember

REGULATION = "《中国共产党基层组织选举工作条例》"


def expected_voters(election: Election) -> int:
    """应到会: the organization's voters minus those left out with approval recorded."""
    excluded = VoterExclusion.objects.filter(election=election).values("member_id")
    return voters(election.org).exclude(pk__in=excluded).count()


def exclude_voter(
    election: Election,
    *,
    by,
    member: PartyMember,
    category: str,
    superior_consent: str,
    meeting_approved: bool,
    note: str = "",
) -> VoterExclusion:
    """Leave a voter out of 应到会 before the vote opens; both approvals must be recorded."""
    superior_consent = (superior_consent or "").strip()
    with transaction.atomic():
        current = _locked(election, by)
        _require_state(current, ElectionState.DRAFT, ElectionState.CONFIRMED)
        if category not in ExclusionCategory.values:
            raise RuleViolation(
                gettext(
                    "Only members ill and unable to attend, abroad or away without transferring for half a year "
                    "or more, serving a sentence or bedridden may be left out of the voters expected (%(regulation)s)."
                )
                % {"regulation": REGULATION},
                rule="exclusion_category",
                field="category",
            )
        if not superior_consent or not meeting_approved:
            raise RuleViolation(
                gettext(
                    "Leaving a voter out of the voters expected needs the superior's consent and the meeting's "
                    "approval (%(regulation)s); record both."
                )
                % {"regulation": REGULATION},
                rule="exclusion_approval",
                field="superior_consent" if not superior_consent else "meeting_approved",
            )
        if not voters(current.org).filter(pk=member.pk).exists():
            raise RuleViolation(
                gettext("%(name)s is not a voter of “%(org)s”.")
                % {"name": member.person.name, "org": current.org.name},
                rule="exclusion_not_voter",
                field="member",
            )
        try:
            with transaction.atomic():
                exclusion = VoterExclusion.objects.create(
                    election=current,
                    member=member,
                    category=category,
                    superior_consent=superior_consent[:200],
                    meeting_approved=True,
                    note=(note or "").strip()[:200],
                    recorded_by=by,
                )
        except IntegrityError:
            raise RuleViolation(
                gettext("%(name)s is already left out.") % {"name": member.person.name},
                rule="exclusion_unique",
            ) from None
        audit.record(AuditAction.CREATE, exclusion, by=by, changes=audit.diff({}, audit.snapshot(exclusion)))
    return exclusion

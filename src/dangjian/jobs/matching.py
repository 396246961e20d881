"""Matching job seekers and postings by skill and place (DOMAIN.md, "Jobs": matching).

A candidate scores ``SKILL_WEIGHT`` per skill shared with the other side, plus ``SAME_COMMUNITY``
when both sit in one community (社区) or ``SAME_STREET`` when only the street (街道) is shared —
places read from the area tree's paths. One SQL query ranks the candidates (a ``COUNT`` of the
shared skills and a ``CASE`` on the path prefixes, cut to ``limit``), one reads the places and
one the shared skills' names for the reasons: a fixed number of queries whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext

from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.jobs.models import JobPosting, JobSeeker
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area
from dangjian.volunteering.models import Skill

SKILL_WEIGHT = 3
SAME_COMMUNITY = 2
SAME_STREET = 1
DEFAULT_LIMIT = 20


@dataclass
class Match:
    """A ranked candidate with its score and the reasons for it."""

    candidate: Any
    score: int
    shared_skills: list[str] = field(default_factory=list)
    place: str = ""  # "community", "street" or ""

    @property
    def reasons(self) -> list[str]:
        reasons = []
        if self.shared_skills:
            reasons.append(gettext("Skills match: %(skills)s") % {"skills": "、".join(self.shared_skills)})
        if self.place == "community":
            reasons.append(gettext("Same community"))
        elif self.place == "street":
            reasons.append(gettext("Same street"))
        return reasons


def places(area: Area) -> tuple[str | None, str | None]:
    """The paths of the community and the street ``area`` lies in (None above them); one query."""
    step = Area.steplen
    prefixes = [area.path[:end] for end in range(step, len(area.path) + 1, step)]
    kinds = dict(Area.objects.filter(path__in=prefixes).values_list("kind", "path"))
    return kinds.get(AreaKind.COMMUNITY), kinds.get(AreaKind.STREET)


def _ranked(queryset: QuerySet, skill_ids: list[int], area: Area, limit: int) -> list[Match]:
    community, street = places(area)
    overlap = (
        Count("skills", filter=Q(skills__in=skill_ids), distinct=True)
        if skill_ids
        else Value(0, output_field=IntegerField())
    )
    whens = []
    if community:
        whens.append(When(area__path__startswith=community, then=Value(SAME_COMMUNITY)))
    if street:
        whens.append(When(area__path__startswith=street, then=Value(SAME_STREET)))
    closeness = (
        Case(*whens, default=Value(0), output_field=IntegerField())
        if whens
        else Value(0, output_field=IntegerField())
    )
    rows = list(
        queryset.annotate(overlap=overlap, closeness=closeness)
        .filter(Q(overlap__gt=0) | Q(closeness__gt=0))
        .annotate(score=F("overlap") * SKILL_WEIGHT + F("closeness"))
        .order_by("-score", "-overlap", "pk")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.filter(pk__in=skill_ids), to_attr="shared")
        )
        .select_related("area")[:limit]
    )
    result = []
    for row in rows:
        place = {SAME_COMMUNITY: "community", SAME_STREET: "street"}.get(row.closeness, "")
        result.append(Match(row, row.score, sorted(skill.name for skill in row.shared), place))
    return result


def postings_for(
    seeker: JobSeeker, postings: QuerySet[JobPosting], *, limit: int = DEFAULT_LIMIT
) -> list[Match]:
    """Open postings of ``postings`` (already scoped to the reader) ranked for ``seeker``."""
    skill_ids = list(seeker.skills.values_list("pk", flat=True))
    return _ranked(postings.filter(state=PostingState.OPEN), skill_ids, seeker.area, limit)


def seekers_for(
    posting: JobPosting, seekers: QuerySet[JobSeeker], *, limit: int = DEFAULT_LIMIT
) -> list[Match]:
    """People still seeking work among ``seekers`` (already scoped) ranked for ``posting``."""
    skill_ids = list(posting.skills.values_list("pk", flat=True))
    return _ranked(
        seekers.filter(state=SeekerState.SEEKING).select_related("person"), skill_ids, posting.area, limit
    )

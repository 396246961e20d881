"""Builders for the 示范点 tests: a published 十大标准 set issued by the district committee, an
application of 社区A党委 (secretary_a's) and one of 社区B党委, designations, and a set and an
application of another district (outside district_admin's scope)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.demonstration.choices import ApplicationState, SetState
from dangjian.demonstration.models import (
    Application,
    Designation,
    EvidenceFile,
    ItemEvidence,
    StandardItem,
    StandardSet,
)
from dangjian.orgs.choices import OrgField, OrgKind
from dangjian.orgs.models import Organization
from tests.factories import add_org

TITLES = ["组织建设好", "班子队伍好", "党员作用好", "阵地建设好", "制度落实好"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def today() -> datetime.date:
    return timezone.localdate()


def standard_set(
    org, *, level: str = "county", items: int = 3, published: bool = True, year: int | None = None
):
    made = StandardSet.objects.create(
        org=org,
        level=level,
        name="十大标准",
        year=year or today().year,
        edition=StandardSet.objects.filter(org=org, level=level, name="十大标准").count() + 1,
        state=SetState.PUBLISHED if published else SetState.DRAFT,
    )
    StandardItem.objects.bulk_create(
        StandardItem(
            standard_set=made,
            number=number,
            title=TITLES[(number - 1) % len(TITLES)],
            evidence_required="台账照片",
        )
        for number in range(1, items + 1)
    )
    return made


def district_set(world, **options) -> StandardSet:
    found = StandardSet.objects.filter(org=world.district_org, state=SetState.PUBLISHED).first()
    return found or standard_set(world.district_org, **options)


def draft_set(world) -> StandardSet:
    found = StandardSet.objects.filter(org=world.district_org, state=SetState.DRAFT).first()
    return found or standard_set(world.district_org, published=False)


def other_district(world) -> Organization:
    found = Organization.objects.filter(code="D0009").first()
    return found or add_org(
        None, "中共邻区委员会", "D0009", OrgKind.DISTRICT_COMMITTEE, field=OrgField.GOVERNMENT
    )


def other_set(world) -> StandardSet:
    org = other_district(world)
    return StandardSet.objects.filter(org=org).first() or standard_set(org)


def application(
    world, org, *, state: str = ApplicationState.DRAFT, set_=None, evidence: bool = True, result: str = ""
) -> Application:
    set_ = set_ or district_set(world)
    made = Application.objects.create(org=org, standard_set=set_, level=set_.level, state=state)
    ItemEvidence.objects.bulk_create(
        ItemEvidence(application=made, item=item, text="见附件台账" if evidence else "", result=result)
        for item in set_.items.order_by("number")
    )
    return made


def _application_of(world, org, state) -> Application:
    return Application.objects.filter(org=org, state=state).first() or application(world, org, state=state)


def app_a(world, state=ApplicationState.DRAFT) -> Application:
    return _application_of(world, world.org_a, state)


def app_b(world, state=ApplicationState.DRAFT) -> Application:
    return _application_of(world, world.org_b, state)


def app_elsewhere(world, state=ApplicationState.DRAFT) -> Application:
    """An application in another district: outside district_admin's scope."""
    org = other_district(world)
    branch = Organization.objects.filter(code="D0009C").first() or add_org(
        org, "中共邻区某社区委员会", "D0009C", OrgKind.PRIMARY_COMMITTEE
    )
    return Application.objects.filter(org=branch, state=state).first() or application(
        world, branch, state=state, set_=other_set(world)
    )


def evidence_of(made: Application) -> ItemEvidence:
    return made.evidence.select_related("item").order_by("item__number").first()


def evidence_file(made: Application) -> EvidenceFile:
    from django.core.files.base import ContentFile

    row = evidence_of(made)
    found = EvidenceFile.objects.filter(evidence=row).first()
    if found:
        return found
    stored = EvidenceFile(evidence=row, original_name="台账.png", content_type="image/png", size=len(PNG))
    stored.file.save("a.png", ContentFile(PNG), save=False)
    stored.save()
    return stored


def designation(
    world, org, *, level: str = "county", since_days: int = 30, due_in_days: int = 335, **fields
) -> Designation:
    return Designation.objects.create(
        org=org,
        level=level,
        standard_set=district_set(world),
        since=today() - datetime.timedelta(days=since_days),
        next_recheck_due=today() + datetime.timedelta(days=due_in_days),
        **fields,
    )


def designation_a(world) -> Designation:
    return Designation.objects.filter(org=world.org_a).first() or designation(world, world.org_a)


def designation_b(world) -> Designation:
    return Designation.objects.filter(org=world.org_b).first() or designation(world, world.org_b)


def designation_elsewhere(world) -> Designation:
    org = other_district(world)
    return Designation.objects.filter(org=org).first() or Designation.objects.create(
        org=org,
        level="county",
        standard_set=other_set(world),
        since=today(),
        next_recheck_due=today() + datetime.timedelta(days=365),
    )

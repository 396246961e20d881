"""Builders for the privacy tests: a resident with records in every personal-data source, and
the objects of the permission table."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.models import Person
from dangjian.core.personal import MOBILE, encrypt, lookup_hash
from dangjian.deliberation.choices import RaisedBy
from dangjian.deliberation.models import Topic
from dangjian.help_pairs.models import HelpPair
from dangjian.jobs.models import JobSeeker
from dangjian.learning.models import Attempt, StudyRecord
from dangjian.members.models import PartyMember, Resident
from dangjian.portal.models import PhoneVerification
from dangjian.privacy.models import ErasureRequest
from dangjian.proposals.models import Proposal
from dangjian.publicity.models import Announcement, Read
from dangjian.service import services as service_services
from dangjian.service.choices import RequestSource
from dangjian.service_posts.models import ResidentNote
from dangjian.volunteering.models import Need, Volunteer, Wish
from tests.core.people import valid_id_number
from tests.factories import PersonFactory, UserFactory
from tests.learning.helpers import course as learning_course
from tests.service_posts.helpers import claimed, post_at

DAY = datetime.timedelta(days=1)


@dataclass
class Traces:
    """What one resident left in the platform: the values an erasure must remove everywhere."""

    person: Person
    name: str
    id_number: str
    mobile: str
    household: str
    address: str
    email: str
    note: str

    def values(self) -> list[str]:
        return [self.name, self.id_number, self.mobile, self.household, self.address, self.email, self.note]


def resident(area, name: str, *, serial: int, mobile: str, household: str = "") -> Person:
    person = Person(name=name, gender="female", ethnicity="汉族", birth_date=datetime.date(1980, 1, 1))
    person.id_number = valid_id_number(serial)
    person.mobile = mobile
    person.save()
    Resident.objects.create(person=person, area=area, household=household)
    return person


def everywhere(
    world, service_world, *, name: str, serial: int, mobile: str, area=None, grid=None, org=None
) -> Traces:
    """A resident of ``area`` (社区A's building by default) with a row in every source."""
    area = area or world.building_a1
    org = org or world.org_a
    grid = grid or world.grid_a1
    household = f"{serial}号楼2单元{serial}01室"
    address = f"幸福路{serial}号门口"
    email = f"r{serial}@example.cn"
    note = f"家里有{serial}位老人需要照顾"
    person = resident(area, name, serial=serial, mobile=mobile, household=household)
    service_services.submit_request(
        category=service_world.garbage,
        description="楼道里的垃圾三天没人清运",
        source=RequestSource.PORTAL,
        area=grid,
        address=address,
        contact_name=name,
        contact_phone=mobile,
        latitude="39.905123",
        longitude="116.405678",
    )
    user = UserFactory(username=f"resident{serial}", email=email, last_name=name[:1], first_name=name[1:])
    user.person = person
    user.mobile = mobile
    user.save()
    now = timezone.now()
    PhoneVerification.objects.create(
        phone_hash=lookup_hash(MOBILE, mobile), code_hash="x" * 64, created_at=now, expires_at=now + DAY
    )
    from dangjian.mailbox import services as mailbox_services
    from dangjian.mailbox.models import Mailbox

    mailbox_services.write_message(
        mailbox=Mailbox.objects.get_or_create(org=org, defaults={"title": "书记信箱"})[0],
        subject="楼道灯坏了",
        text="楼道灯坏了一个月",
        source="portal",
        writer_name=name,
        writer_phone=mobile,
        phone_verified=True,
    )
    helper = PersonFactory(name=f"帮扶人{serial}")
    member = PartyMember.objects.create(person=PersonFactory(name=f"岗位党员{serial}"), org=world.branch_a1)
    claim = claimed(post_at(org, f"楼道岗{serial}"), member)
    ResidentNote.objects.create(
        claim=claim, author_name=name, phone_hash=lookup_hash(MOBILE, mobile), text="谢谢你们帮忙清理楼道"
    )
    Topic.objects.create(
        org=org,
        title="楼下广场噪音",
        description="晚上广场舞太吵",
        raised_by_kind=RaisedBy.RESIDENT,
        raiser_name=name,
        raiser_phone=encrypt(mobile),
        phone_hash=lookup_hash(MOBILE, mobile),
    )
    Volunteer.objects.create(
        person=person,
        area=grid,
        org=org,
        registered_on=timezone.localdate(),
        skills_note=note,
        interests=note,
    )
    Need.objects.create(area=grid, org=org, title="修理水龙头", category="repair", resident=person)
    Wish.objects.create(
        area=grid, org=org, title="一个新书包", resident=person, tracking_code=f"W{serial:09d}"
    )
    JobSeeker.objects.create(
        person=person, area=grid, org=org, registered_on=timezone.localdate(), wanted_job="电工", note=note
    )
    HelpPair.objects.create(
        helper=helper,
        kind="family",
        family_head=person,
        area=grid,
        org=org,
        since=timezone.localdate() - 60 * DAY,
        next_visit_due=timezone.localdate() + 10 * DAY,
        note=note,
    )
    announcement = Announcement.objects.create(
        org=org, title=f"通知{serial}", state="published", publish_at=timezone.now() - DAY
    )
    Read.objects.create(announcement=announcement, person=person)
    Proposal.objects.create(
        org=org,
        title=f"提议{serial}",
        text="加装电梯",
        proposer_name=name,
        proposer_phone_hash=lookup_hash(MOBILE, mobile),
    )
    studied = learning_course(org, "学习党章").lessons.first()
    StudyRecord.objects.create(person=person, lesson=studied, day=timezone.localdate(), seconds=600)
    Attempt.objects.create(course=studied.course, person=person, question_ids=[], score=80, passed=True)
    return Traces(person, name, valid_id_number(serial), mobile, household, address, email, note)


# --- objects of the permission table ------------------------------------------------------------


def person_in(area, name: str) -> Person:
    """A resident of ``area`` with no records elsewhere; found again when a row asks twice."""
    found = Person.objects.filter(name=name).first()
    if found is not None:
        return found
    person = PersonFactory(name=name)
    Resident.objects.create(person=person, area=area)
    return person


def fresh_person_in(area, prefix: str) -> Person:
    """A new resident on every call (an erasure can be recorded and carried out once per person)."""
    person = PersonFactory(name=f"{prefix}{Person.objects.count()}")
    Resident.objects.create(person=person, area=area)
    return person


def pending_erasure(person: Person, recorded_by: User | None = None) -> ErasureRequest:
    org_path, area_path = person.audit_scope_paths()
    return ErasureRequest.objects.create(
        person=person,
        requested_on=timezone.localdate(),
        reason="本人撤回同意",
        recorded_by=recorded_by,
        org_path=org_path,
        area_path=area_path,
    )

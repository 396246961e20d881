"""The demo logins (the generator's ``demo users`` step): one user per persona, each with a role
on the right node of generated data.

``dangjian demo`` prints ``DEMO_LOGINS`` so a visitor can try the platform as a 组织部 admin, a
community secretary, a grid worker and so on. All share one password that is printed, which is
acceptable only because demo data holds no real person.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import Role, RoleAssignment, User
from dangjian.core.generator.build import Generator
from dangjian.core.generator.logins import DEMO_LOGINS, DEMO_PASSWORD
from dangjian.core.generator.people import Draft
from dangjian.core.generator.steps import anchor_loader, generator_step
from dangjian.orgs.models import Organization


def create_demo_users(anchors) -> list[User]:
    """Create the demo users on the first district, street, community, grid and building.

    A username that already exists is left alone (its password is not reset), so running the
    generator next to real accounts never takes one over.
    """
    plans: list[tuple[str, str | None, object, Draft | None]] = [
        ("admin", BuiltinRole.SYSTEM_ADMIN, None, None),
        ("zzb_admin", BuiltinRole.ORG_DEPARTMENT_ADMIN, anchors.district_org, None),
        ("jd_shuji", BuiltinRole.ORG_SECRETARY, anchors.street_org, anchors.street_secretary),
        ("sq_shuji", BuiltinRole.ORG_SECRETARY, anchors.community_org, anchors.community_secretary),
        ("wgy", BuiltinRole.GRID_WORKER, anchors.grid, anchors.grid_leader),
        ("bm_handler", BuiltinRole.DEPARTMENT_HANDLER, anchors.district, None),
        ("dangyuan", BuiltinRole.PARTY_MEMBER, anchors.grid_branch, anchors.member),
        ("jumin", BuiltinRole.RESIDENT, anchors.building, anchors.resident),
    ]
    labels = {username: label for label, username, _, _ in DEMO_LOGINS}
    roles = {role.code: role for role in Role.objects.all()}
    # One hash for all of them: they share a published password, and PBKDF2 costs ~0.2 s a time.
    encoded_password = make_password(DEMO_PASSWORD)
    created = []
    for username, role_code, node, draft in plans:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, is_superuser=username == "admin", is_staff=username == "admin")
        if draft is not None:
            user.person = draft.person
            user.last_name = draft.surname
            user.first_name = draft.person.name.removeprefix(draft.surname)
            if draft.mobile:
                user.mobile = draft.mobile
        else:
            user.last_name, user.first_name = "演示", labels[username]
        user.password = encoded_password
        user.save()
        if role_code is not None and node is not None:
            RoleAssignment.objects.create(
                user=user,
                role=roles[role_code],
                org=node if isinstance(node, Organization) else None,
                area=None if isinstance(node, Organization) else node,
            )
        elif role_code == BuiltinRole.SYSTEM_ADMIN:
            # The global role needs a node to hang on; the first district's committee is as good as any.
            RoleAssignment.objects.create(user=user, role=roles[role_code], org=anchors.district_org)
        created.append(user)
    return created


@generator_step("demo users", order=3)
def generate_demo_users(generator: Generator) -> int:
    """The demo logins, once the trees and people they are attached to exist."""
    return len(create_demo_users(generator.anchors))


def create_demo_applicant(anchors) -> User | None:
    """The demo login of an applicant: ``shenqingren``, an 入党积极分子 with dated steps.

    The development step (which runs after the other demo users) chose the person, an open
    积极分子 file of the demo grid branch with steps (``anchors.applicant``), so 我的 shows a file
    and what comes next. No role: an applicant has no staff right; 我的 opens for the linked
    person. None when the data has no such file or the username is taken.
    """
    person = anchors.applicant
    if person is None or User.objects.filter(username="shenqingren").exists():
        return None
    surname = person.name[:1]
    user = User(
        username="shenqingren",
        person=person,
        last_name=surname,
        first_name=person.name.removeprefix(surname),
        password=make_password(DEMO_PASSWORD),
    )
    user.save()
    return user


@generator_step("demo applicant login", order=11)
def generate_demo_applicant(generator: Generator) -> int:
    """The applicant's demo login, once the development step has made the files."""
    return 1 if create_demo_applicant(generator.anchors) is not None else 0


@anchor_loader("demo_logins")
def load_demo_anchors(generator) -> None:
    """The anchors of a database generated earlier, from the demo logins' role assignments
    (``generate --add-steps``); a person anchor becomes a ``Draft`` without the clear mobile."""
    from dangjian.orgs.models import Area, Organization

    def draft(person) -> Draft | None:
        if person is None:
            return None
        age = (generator.today - person.birth_date).days // 365 if person.birth_date else 40
        return Draft(person=person, age=age, gender=person.gender, surname=person.name[:1], mobile="")

    nodes = {}
    for assignment in RoleAssignment.objects.filter(
        user__username__in=["jd_shuji", "sq_shuji", "wgy", "dangyuan", "jumin"], is_active=True
    ).select_related("org", "area", "user__person"):
        nodes[assignment.user.username] = (assignment.org or assignment.area, assignment.user.person)
    anchors = generator.anchors
    anchors.district_org = Organization.objects.filter(depth=1).order_by("path").first()
    anchors.district = Area.objects.filter(depth=1).order_by("path").first()
    anchors.street_org, street_secretary = nodes.get("jd_shuji", (None, None))
    anchors.community_org, community_secretary = nodes.get("sq_shuji", (None, None))
    anchors.grid, grid_leader = nodes.get("wgy", (None, None))
    anchors.grid_branch, member = nodes.get("dangyuan", (None, None))
    anchors.building, resident = nodes.get("jumin", (None, None))
    anchors.street_secretary, anchors.community_secretary = (
        draft(street_secretary),
        draft(community_secretary),
    )
    anchors.grid_leader, anchors.member, anchors.resident = draft(grid_leader), draft(member), draft(resident)

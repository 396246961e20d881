"""The data generator: the community scale has the promised shape, is valid and repeatable.

Only the ``community`` scale runs here (seconds); the district and city scales are the same code
with larger counts, and the city's several districts are tested on a scaled-down shape.
"""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from dangjian.accounts.models import User
from dangjian.core.choices import AuditAction
from dangjian.core.generator import DEMO_LOGINS, Scale, generate
from dangjian.core.models import AuditEntry, Person
from dangjian.core.scoping import scope_of
from dangjian.core.validators import validate_id_number, validate_mobile
from dangjian.members.choices import GridWorkerKind, MemberStatus
from dangjian.members.models import GridWorker, PartyMember, Resident
from dangjian.orgs.choices import AreaKind, OrgKind
from dangjian.orgs.models import Area, Committee, Organization

pytestmark = pytest.mark.django_db


def run_generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def generated_community(django_db_setup, django_db_blocker):
    """The community scale, generated once for the class of tests below and rolled back after it.

    As Django's ``setUpTestData`` does: one outer transaction holds the data, each test runs in a
    savepoint inside it, so the tests share one generation but cannot see each other's changes.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        run_generate("--scale", "community", "--seed", "7")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def community(generated_community, db) -> None:
    return None


def count(kind: str) -> int:
    return Area.objects.filter(kind=kind).count()


def snapshot() -> dict[str, list]:
    """What the same seed must reproduce: names, codes, the trees, people and assignments."""
    return {
        "areas": list(Area.objects.order_by("path").values_list("path", "code", "name", "resident_count")),
        "orgs": list(Organization.objects.order_by("path").values_list("path", "code", "name", "kind")),
        "people": list(Person.objects.order_by("id").values_list("name", "birth_date", "id_number_hash")),
        "members": list(
            PartyMember.objects.order_by("person_id").values_list(
                "person__id_number_hash", "org__code", "status"
            )
        ),
        "workers": list(
            GridWorker.objects.order_by("id").values_list("person__id_number_hash", "area__code", "kind")
        ),
    }


class _Discard(Exception):
    pass


TINY = Scale(
    name="tiny",
    districts=1,
    streets=1,
    communities=2,
    grids=3,
    buildings=6,
    residents=120,
    grid_workers=6,
    members=30,
)


def generated_snapshot(scale: str | Scale, seed: int) -> dict[str, list]:
    """Generate into the (empty) test database, take a snapshot, then roll everything back."""
    taken: dict[str, list] = {}
    assert not Area.objects.exists()
    try:
        with transaction.atomic():
            generate(scale, seed, log=lambda line: None)
            taken = snapshot()
            raise _Discard
    except _Discard:
        pass
    assert not Area.objects.exists()
    return taken


def test_the_same_seed_gives_the_same_data(db):
    first = generated_snapshot("community", 11)
    second = generated_snapshot("community", 11)
    assert first == second
    assert first["areas"] and first["people"] and first["members"] and first["workers"]


def test_another_seed_gives_other_names(db):
    assert generated_snapshot(TINY, 1)["people"] != generated_snapshot(TINY, 2)["people"]


def test_several_districts_build_side_by_side_as_for_the_city_scale(db):
    small_city = Scale(
        name="city-test",
        districts=3,
        streets=2,
        communities=2,
        grids=4,
        buildings=8,
        residents=160,
        grid_workers=8,
        members=40,
    )
    generate(small_city, seed=3, log=lambda line: None)
    districts = list(Area.objects.filter(kind=AreaKind.DISTRICT))
    assert len(districts) == 3
    assert len({district.code for district in districts}) == 3
    assert Organization.objects.filter(kind=OrgKind.DISTRICT_COMMITTEE).count() == 3
    assert all(problems == [] for problems in Area.objects.find_problems())
    assert all(problems == [] for problems in Organization.objects.find_problems())
    regions = {person.id_number.clear()[:6] for person in Person.objects.all()}
    assert regions == {district.code for district in districts}
    assert Resident.objects.count() == 3 * 160


def user(username: str) -> User:
    return User.objects.get(username=username)


class TestCommunityScale:
    """The community scale as generated once with seed 7."""

    def test_community_scale_builds_one_community_with_the_promised_counts(self, community):
        assert (count(AreaKind.DISTRICT), count(AreaKind.STREET), count(AreaKind.COMMUNITY)) == (1, 1, 1)
        assert 4 <= count(AreaKind.GRID) <= 6
        assert 50 <= count(AreaKind.BUILDING) <= 70
        assert 2_800 <= Resident.objects.count() <= 3_200
        assert 130 <= PartyMember.objects.count() <= 170
        assert 15 <= GridWorker.objects.count() <= 25
        statuses = Counter(PartyMember.objects.values_list("status", flat=True))
        assert statuses[MemberStatus.FULL] > statuses[MemberStatus.PROBATIONARY] > 0

    def test_the_demo_shows_a_member_under_probation_within_the_party_without_a_vote(self, community):
        from django.utils import timezone

        from dangjian.members.models import RightsRestriction
        from dangjian.members.voters import members_with_a_vote

        today = timezone.localdate()
        in_force = list(RightsRestriction.objects.in_force_on(today).select_related("member__org"))
        assert in_force
        for restriction in in_force:
            assert restriction.decision_organ and restriction.ends_on
            assert not members_with_a_vote(restriction.member.org).filter(pk=restriction.member_id).exists()

    def test_every_grid_has_one_grid_leader_and_most_grid_workers_are_members(self, community):
        for grid in Area.objects.filter(kind=AreaKind.GRID):
            assert grid.grid_workers.filter(kind=GridWorkerKind.GRID_LEADER).count() == 1
        workers = GridWorker.objects.count()
        members = GridWorker.objects.filter(person__membership__isnull=False).count()
        assert 0.50 <= members / workers <= 0.65

    def test_area_resident_counts_match_the_residents_living_directly_there(self, community):
        direct = Counter(Resident.objects.values_list("area_id", flat=True))
        for area in Area.objects.all():
            assert area.resident_count == direct.get(area.pk, 0)
        assert sum(direct.values()) == Resident.objects.count()

    def test_every_id_number_and_mobile_is_valid_and_unique(self, community):
        people = list(Person.objects.all())
        for person in people:
            validate_id_number(person.id_number.clear())
            if person.mobile:
                validate_mobile(person.mobile.clear())
        hashes = [person.id_number_hash for person in people]
        assert None not in hashes
        assert len(set(hashes)) == len(hashes)
        mobiles = [person.mobile_hash for person in people if person.mobile_hash]
        assert len(set(mobiles)) == len(mobiles)
        assert any(person.name[0] in "曾单解" for person in people)

    @pytest.mark.parametrize("model", [Area, Organization])
    def test_tree_paths_are_consistent_with_treebeard(self, community, model):
        assert all(problems == [] for problems in model.objects.find_problems())
        nodes = list(model.objects.all())
        for node in nodes:
            children = [
                other for other in nodes if other.depth == node.depth + 1 and other.path.startswith(node.path)
            ]
            assert node.numchild == len(children)
            assert [child.pk for child in model.objects.get_children(node)] == [
                child.pk for child in children
            ]

    def test_grid_boundaries_lie_inside_their_community_without_overlapping(self, community):
        def box(area):
            ring = area.boundary["coordinates"][0]
            xs, ys = [point[0] for point in ring], [point[1] for point in ring]
            return min(xs), min(ys), max(xs), max(ys)

        community_area = Area.objects.get(kind=AreaKind.COMMUNITY)
        west, south, east, north = box(community_area)
        grids = [box(grid) for grid in Area.objects.filter(kind=AreaKind.GRID)]
        for x0, y0, x1, y1 in grids:
            assert west <= x0 < x1 <= east and south <= y0 < y1 <= north
        for index, (ax0, ay0, ax1, ay1) in enumerate(grids):
            for bx0, by0, bx1, by1 in grids[index + 1 :]:
                assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0

    def test_the_org_tree_mirrors_the_area_tree(self, community):
        community_area = Area.objects.get(kind=AreaKind.COMMUNITY)
        community_org = Organization.objects.get(jurisdiction=community_area)
        assert community_org.kind == OrgKind.PRIMARY_COMMITTEE
        for grid in Area.objects.filter(kind=AreaKind.GRID):
            branch = Organization.objects.get(jurisdiction=grid, kind=OrgKind.BRANCH)
            assert branch.path.startswith(community_org.path)
        street_org = Organization.objects.get_parent(community_org)
        assert street_org.kind == OrgKind.WORKING_COMMITTEE
        unit_fields = set(
            Organization.objects.get_children(street_org)
            .exclude(pk=community_org.pk)
            .values_list("field", flat=True)
        )
        assert {"government", "private_enterprise", "social_organization"} <= unit_fields
        assert Organization.objects.get_children(street_org).filter(kind=OrgKind.JOINT_BRANCH).exists()
        assert Committee.objects.filter(org=community_org, is_current=True).count() == 1

    def test_if_empty_is_a_no_op_when_areas_exist(self, community):
        before = (Area.objects.count(), Person.objects.count(), User.objects.count())
        output = run_generate("--scale", "community", "--if-empty")
        assert "已存在区域，未生成任何数据。" in output
        assert (Area.objects.count(), Person.objects.count(), User.objects.count()) == before
        with pytest.raises(CommandError):
            run_generate("--scale", "community")

    def test_add_steps_runs_only_the_named_steps_with_the_demo_anchors_read_back(self, community):
        from dangjian.core.generator.build import Generator
        from dangjian.core.generator.scales import SCALES
        from dangjian.core.generator.steps import generator_step
        from dangjian.core.registry import registry

        seen = []

        @generator_step("added-later", order=99)
        def added_later(generator) -> int:
            seen.append(generator.anchors)
            return 0

        people = Person.objects.count()
        try:
            Generator(SCALES["community"], 7, log=lambda line: None).add_steps(["added-later"])
        finally:
            registry["generator_steps"].pop("added-later")

        assert Person.objects.count() == people  # no other step ran
        [anchors] = seen
        dangyuan = User.objects.get(username="dangyuan")
        assert anchors.member.person == dangyuan.person
        assert anchors.grid_branch == dangyuan.role_assignments.get().org
        assert anchors.community_org == User.objects.get(username="sq_shuji").role_assignments.get().org
        assert anchors.street_org == User.objects.get(username="jd_shuji").role_assignments.get().org
        assert anchors.district_org.depth == 1

    def test_add_steps_refuses_an_unknown_step(self, community):
        with pytest.raises(CommandError, match="no-such-step"):
            run_generate("--scale", "community", "--add-steps", "no-such-step")

    def test_generator_writes_one_import_audit_line_with_its_scale_and_seed(self, community):
        entry = AuditEntry.objects.get()
        assert entry.action == AuditAction.IMPORT
        assert entry.changes["scale"] == "community"
        assert entry.changes["seed"] == 7

    def test_demo_users_log_in_with_the_printed_password(self, community, client):
        assert [login[1] for login in DEMO_LOGINS] == [
            "admin",
            "zzb_admin",
            "jd_shuji",
            "sq_shuji",
            "wgy",
            "bm_handler",
            "dangyuan",
            "jumin",
            "shenqingren",
        ]
        for _label, username, password, _sees in DEMO_LOGINS:
            assert client.login(username=username, password=password), username
            client.logout()

    def test_demo_users_see_what_their_role_promises(self, community):
        district = Area.objects.get(kind=AreaKind.DISTRICT)
        street = Area.objects.get(kind=AreaKind.STREET)
        community_area = Area.objects.get(kind=AreaKind.COMMUNITY)
        all_areas = Area.objects.count()

        assert scope_of(user("admin")).is_global
        zzb = user("zzb_admin")
        assert Area.objects.visible_to(zzb).count() == all_areas
        assert Organization.objects.visible_to(zzb).count() == Organization.objects.count()
        assert scope_of(zzb).has_perm("core.reveal_personal_data", area_path=district.path)

        jd = user("jd_shuji")
        assert (
            Area.objects.visible_to(jd).count() == Area.objects.filter(path__startswith=street.path).count()
        )
        assert jd.person.committee_seats.filter(
            committee__org__jurisdiction=street, role="secretary"
        ).exists()

        sq = user("sq_shuji")
        community_subtree = Area.objects.filter(path__startswith=community_area.path)
        assert set(Area.objects.visible_to(sq)) == set(community_subtree)
        assert sq.person.committee_seats.filter(
            committee__org__jurisdiction=community_area, role="secretary"
        ).exists()
        unit_member = PartyMember.objects.filter(org__kind=OrgKind.JOINT_BRANCH).first().person
        assert not Person.objects.visible_to(sq).filter(pk=unit_member.pk).exists()
        assert Person.objects.visible_to(jd).filter(pk=unit_member.pk).exists()

        wgy = user("wgy")
        grid = wgy.person.grid_posts.get(kind=GridWorkerKind.GRID_LEADER).area
        assert set(Area.objects.visible_to(wgy)) == set(Area.objects.filter(path__startswith=grid.path))
        assert Person.objects.visible_to(wgy).filter(residences__area__path__startswith=grid.path).exists()

        handler = user("bm_handler")
        assert Area.objects.visible_to(handler).count() == all_areas
        assert not scope_of(handler).has_any("core.view_person")

        member = user("dangyuan")
        assert member.person.membership.org.jurisdiction == grid
        assert not scope_of(member).has_any("core.view_person")

        resident = user("jumin")
        assert resident.person.residences.get().area.kind == AreaKind.BUILDING
        assert not hasattr(resident.person, "membership")
        assert not scope_of(resident).has_any("orgs.view_area")

        applicant = user("shenqingren")
        development_file = applicant.person.party_applications.get()
        assert development_file.stage == "activist" and development_file.is_open
        assert development_file.records.count() >= 3  # application, talk, activist (and reports)
        assert not hasattr(applicant.person, "membership")
        assert not applicant.role_assignments.exists()

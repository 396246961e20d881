"""Records for the 工作台 tests: ``n`` of each kind that waits, spread over 社区A and 社区B, each
with a unique marker (tracking code, letter number, name, title) a test finds on the pages.

Rows are written through the services where the state matters (a request's paths and deadline)
and directly where only the row's fields do (a letter, an applicant, an election), as the
neighbouring tests of each app do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.members.choices import GridWorkerKind
from dangjian.members.models import GridWorker, Transfer
from dangjian.orgs.choices import OrgKind
from dangjian.service import services
from dangjian.service.choices import RequestAction, RequestState
from dangjian.service.models import RequestEvent, ServiceRequest
from tests.development.data import applicant_in
from tests.dues.helpers import add_member
from tests.elections.helpers import election_in
from tests.factories import PersonFactory, UserFactory, add_org, assign
from tests.members.transfers import member_in, open_transfer
from tests.service.conftest import file_request

# A request's state and deadline, in turn: the queue's six sections and a request due later.
SHAPES = ["new", "unplaced", "returned", "review", "overdue", "due_soon", "later"]


@dataclass
class Built:
    requests: list[ServiceRequest] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def _shape(request_obj: ServiceRequest, shape: str, now: datetime.datetime) -> None:
    """Put a reported request in one section (written directly: the queue reads the columns)."""
    due = {
        "overdue": now - datetime.timedelta(hours=5),
        "due_soon": now + datetime.timedelta(hours=2),
    }.get(shape, now + datetime.timedelta(days=20))
    state = {
        "new": RequestState.REPORTED,
        "returned": RequestState.RETURNED,
        "review": RequestState.FEEDBACK,
        "overdue": RequestState.ACCEPTED,
        "due_soon": RequestState.ACCEPTED,
        "later": RequestState.ACCEPTED,
        "unplaced": RequestState.REPORTED,
    }[shape]
    ServiceRequest.objects.filter(pk=request_obj.pk).update(
        state=state, due_at=due, awaiting_location=shape == "unplaced"
    )


def build(world, service_world, n: int) -> Built:
    """``n`` requests, letters, applicants, members in arrears and elections, half in 社区A and
    half in 社区B (a request every other one visited today)."""
    built = Built()
    now = timezone.now()
    first = Transfer.objects.filter(letter_number__startswith="ZJT-WB-").count()
    for i in range(first, first + n):
        grid = world.grid_a1 if i % 2 == 0 else world.grid_b1
        branch = world.branch_a1 if i % 2 == 0 else world.branch_b1
        other = world.branch_b1 if i % 2 == 0 else world.branch_a1
        request_obj = file_request(world, service_world.garbage, area=grid, title=f"诉求{i:03d}")
        _shape(request_obj, SHAPES[(i // 2) % len(SHAPES)], now)  # each shape in both communities
        if i % 2 == 0:
            RequestEvent.objects.create(
                request=request_obj, action=RequestAction.VISIT, by_name="网格员", created_at=now
            )
        built.requests.append(request_obj)
        letter = open_transfer(member_in(other, f"转入{i:03d}"), branch, number=f"ZJT-WB-{i:04d}")
        built.names.append(letter.letter_number)
        # Applied 40 days ago: the talk (due after 30 days) is late; 5 days ago: due within a month.
        applicant_in(branch, days_ago=40 if i % 2 == 0 else 5, name=f"申请{i:03d}")
        add_member(branch, f"欠费{i:03d}")
        # One election at a time per organization: each in a branch of its own.
        community = world.org_a if i % 2 == 0 else world.org_b
        voting = add_org(community, f"选举{i:03d}党支部", f"E{i:04d}", OrgKind.BRANCH)
        election_in(voting, state="voting", title=f"选举{i:03d}", candidates=1)
    return built


def street_secretary(world):
    user = UserFactory(username="street_secretary", last_name="周", first_name="书记")
    assign(user, BuiltinRole.ORG_SECRETARY, world.street_org)
    return user


def grid_post(user, grid, name: str = "赵网格员") -> GridWorker:
    """A grid post for ``user`` (who gets a person if they have none)."""
    if user.person_id is None:
        user.person = PersonFactory(name=name)
        user.save(update_fields=["person"])
    from dangjian.core.person_scope import refresh_scope_keys

    post = GridWorker.objects.create(person_id=user.person_id, area=grid, kind=GridWorkerKind.FULL_TIME)
    refresh_scope_keys([user.person_id])
    return post


def log_visit(request_obj, by) -> None:
    services.log_visit(request_obj, by=by)

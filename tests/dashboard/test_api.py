"""The dashboards' API (/api/v1/dashboard) answers what the pages show the same user: the big
screen's figures, sentences and trends, the 党建台账 section by section (no ID or phone number),
the service figures by grid and month; another scope's node is 404, a caller without the right
403, a bad year or tree 400 with the page's message, and a token without the read scope 403."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.choices import TokenScope
from dangjian.accounts.models import Role
from dangjian.accounts.tokens import issue_token
from dangjian.dashboard.api import ScreenOut
from dangjian.dashboard.reports.ledger import party_ledger
from dangjian.dashboard.reports.service_grid import KEYS, service_grid
from dangjian.dashboard.screen import content
from tests.dashboard.reports.helpers import last_year, small_ledger_world
from tests.factories import assign
from tests.service.conftest import at, file_request, handler_a1, service_world  # noqa: F401 (fixtures)
from tests.service.test_figures import march  # noqa: F401 (the fixture of hand-made requests)
from tests.test_api_fuzz import CHECKS, in_process_app  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

SCREEN = "/api/v1/dashboard/screen"
LEDGER = "/api/v1/dashboard/reports/ledger"
SERVICE = "/api/v1/dashboard/reports/service-grid"


def _bearer(user, *scopes: str) -> dict[str, str]:
    _token, raw = issue_token(user, "脚本", by=user, scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _refused_with_message(response, status: int) -> str:
    assert response.status_code == status, response.content[:300]
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


# --- the big screen -------------------------------------------------------------------------


def test_the_screen_answers_what_the_pages_data_shows(client, world, secretary_a):
    client.force_login(secretary_a)
    page = client.get(reverse("dashboard:screen_data"), {"node": world.org_a.pk, "year": last_year()}).json()
    response = client.get(SCREEN, {"node": world.org_a.pk, "year": last_year()})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    for key in ("node", "year", "period", "figures", "trends"):
        assert body[key] == page[key], key
    assert body["figures"], "secretary_a reads figures over 社区A"
    assert {"key", "label", "value", "unit", "scope", "period", "url"} <= set(body["figures"][0])
    assert [(s["key"], s["html"]) for s in body["sentences"]] == [
        (s["key"], s["html"]) for s in page["sentences"]
    ]
    for sentence in body["sentences"]:
        assert "<" not in sentence["text"] and sentence["text"]
    assert datetime.datetime.fromisoformat(body["computed_at"]) == datetime.datetime.fromisoformat(
        page["computed_at"]
    )


def test_the_screen_opens_on_the_callers_widest_scope_like_the_page(client, world, secretary_a):
    client.force_login(secretary_a)
    body = client.get(SCREEN).json()
    expected = content.screen_data(secretary_a, world.org_a, timezone.localdate().year)
    assert body["node"] == expected["node"] == {"id": world.org_a.pk, "name": world.org_a.name, "tree": "org"}
    assert [figure["key"] for figure in body["figures"]] == [figure["key"] for figure in expected["figures"]]


def test_the_schema_documents_every_part_of_what_the_screen_computes(world, secretary_a):
    """A part added to ``content.screen_data`` must be added to ``ScreenOut`` too (the API would
    drop it silently)."""
    data = content.screen_data(secretary_a, world.org_a, last_year())
    assert set(ScreenOut.model_fields) == set(data)


def test_a_screen_node_outside_the_scope_answers_404(client, world, secretary_a):
    client.force_login(secretary_a)
    for params in (
        {"node": world.org_b.pk, "tree": "org"},
        {"node": world.community_b.pk, "tree": "area"},
        {"node": world.street_org.pk},
        {"node": 2**70},
        {"node": "abc"},
        {"node": 0},
    ):
        assert client.get(SCREEN, params).status_code == 404, params
    assert client.get(SCREEN, {"node": world.community_a.pk, "tree": "area"}).json()["node"]["tree"] == "area"


def test_a_bad_year_or_tree_answers_400_with_the_pages_message(client, world, secretary_a):
    client.force_login(secretary_a)
    for year in ("1999", "9999", "abc", str(2**70)):
        detail = _refused_with_message(client.get(SCREEN, {"year": year}), 400)
        page = client.get(reverse("dashboard:screen"), {"year": year})
        assert page.status_code == 400 and page.context["error"] == detail
        assert client.get(SCREEN, {"year": year}).json()["field"] == "year"
    detail = _refused_with_message(client.get(SCREEN, {"tree": "forest"}), 400)
    assert client.get(reverse("dashboard:screen"), {"tree": "forest"}).context["error"] == detail


def test_a_user_without_any_screen_figure_is_refused(client, world, resident):
    client.force_login(resident)
    _refused_with_message(client.get(SCREEN), 403)


def test_a_token_reads_the_screen_with_the_read_scope_only(client, world, secretary_a):
    assert client.get(SCREEN, **_bearer(secretary_a, TokenScope.READ)).status_code == 200
    _refused_with_message(client.get(SCREEN, **_bearer(secretary_a, TokenScope.WRITE)), 403)


# --- the 党建台账 -------------------------------------------------------------------------------


def test_the_ledger_answers_the_pages_sections(client, world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    client.force_login(secretary_a)
    response = client.get(LEDGER, {"org": world.branch_a1.pk, "year": made.year})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    report = party_ledger(world.branch_a1, made.year, secretary_a)

    assert body["org"] == {"id": world.branch_a1.pk, "name": world.branch_a1.name}
    members = body["members"]
    assert [row["name"] for row in members["items"]] == [line.name for line in report.members]
    assert (members["full_count"], members["probationary_count"]) == (1, 1)
    assert [row["title"] for row in body["meetings"]["items"]] == [line.title for line in report.meetings]
    assert [row["values"] for row in body["meetings"]["compliance"]] == [
        row.values for row in report.compliance
    ]
    dues = {row["name"]: row for row in body["dues"]["items"]}
    assert dues["张党员"]["months"] == next(line.months for line in report.dues if line.name == "张党员")
    assert (dues["张党员"]["paid"], dues["张党员"]["arrears"], dues["张党员"]["amount_paid"]) == (
        11,
        1,
        "220.00",
    )
    assert body["dues"]["months"][0] == f"{made.year}-01"
    assert [row["name"] for row in body["development"]["items"]] == ["赵申请"]
    assert body["development"]["steps_in_year"] == report.steps_in_year
    volunteers = {row["name"]: row for row in body["volunteering"]["items"]}
    assert volunteers["张党员"]["hours"] == "5.5" and volunteers["张党员"]["posts"] == ["楼道长"]
    assert body["volunteering"]["hours_total"] == "5.5"


def test_the_ledger_carries_no_id_number_or_phone(client, world, secretary_a):
    made = small_ledger_world(world, secretary_a)
    person = made.member.person
    person.id_number = "110105198001011234"
    person.mobile = "13800138000"
    person.save()
    client.force_login(secretary_a)
    text = client.get(LEDGER, {"org": world.branch_a1.pk, "year": made.year}).content.decode()
    assert "张党员" in text
    for secret in ("110105198001011234", "13800138000", person.id_number_masked, person.mobile_masked):
        assert secret not in text
    assert "王外社" not in text and "光明社区的会" not in text


def test_a_section_the_caller_may_not_read_is_null(client, world):
    from tests.factories import UserFactory

    role = Role.objects.create(code="ledger-members-only", name="只看党员名册")
    role.permissions.add(
        Permission.objects.get(content_type__app_label="members", codename="view_partymember")
    )
    user = UserFactory(username="members_only")
    assign(user, role.code, world.org_a)
    client.force_login(user)
    body = client.get(LEDGER, {"org": world.branch_a1.pk, "year": last_year()}).json()
    assert body["members"] is not None
    assert (body["meetings"], body["dues"], body["development"], body["volunteering"]) == (None,) * 4


def test_a_ledger_outside_the_scope_or_of_a_committee_above_answers_404(client, world, secretary_a):
    client.force_login(secretary_a)
    year = last_year()
    for org in (world.branch_b1.pk, world.org_b.pk, world.street_org.pk, 2**70, 0):
        assert client.get(LEDGER, {"org": org, "year": year}).status_code == 404, org
    assert client.get(LEDGER, {"org": world.org_a.pk, "year": year}).status_code == 200


def test_a_ledger_year_the_platform_cannot_hold_answers_400_with_a_message(client, world, secretary_a):
    client.force_login(secretary_a)
    for year in (1999, 9999, 2**70):
        detail = _refused_with_message(client.get(LEDGER, {"org": world.branch_a1.pk, "year": year}), 400)
        assert "2000" in detail
    assert client.get(LEDGER, {"org": world.branch_a1.pk}).status_code == 422  # the year is required


def test_a_user_without_the_ledger_permission_is_refused(client, world, grid_worker_a):
    client.force_login(grid_worker_a)
    _refused_with_message(client.get(LEDGER, {"org": world.branch_a1.pk, "year": last_year()}), 403)


def test_a_token_reads_the_ledger_with_the_read_scope_only(client, world, secretary_a):
    params = {"org": world.branch_a1.pk, "year": last_year()}
    assert client.get(LEDGER, params, **_bearer(secretary_a, TokenScope.READ)).status_code == 200
    _refused_with_message(client.get(LEDGER, params, **_bearer(secretary_a, TokenScope.EXPORT)), 403)


# --- the service figures by grid and month --------------------------------------------------------


@pytest.mark.usefixtures("march")
def test_the_service_grid_answers_the_pages_cells(client, world, secretary_a):
    client.force_login(secretary_a)
    response = client.get(SERVICE, {"node": world.community_a.pk, "year": 2026})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    report = service_grid(world.community_a, 2026)
    names = [key.removeprefix("service.") for key in KEYS]

    assert [figure["key"] for figure in body["figures"]] == KEYS
    assert [line["area_id"] for line in body["lines"]] == [world.grid_a1.pk, world.grid_a2.pk]
    for line, expected in zip([*body["lines"], body["total"]], [*report.lines, report.total], strict=True):
        assert line["label"] == expected.label
        assert [[cell[name] for name in names] for cell in line["months"]] == expected.months
        assert [line["total"][name] for name in names] == expected.total
        assert [cell["month"] for cell in line["months"]] == [f"2026-{number:02d}" for number in range(1, 13)]
    first = body["lines"][0]["months"][2]  # March in 幸福社区第一网格, as counted by hand
    assert (first["received"], first["resolved"], first["satisfaction_rate"]) == (4, 3, 0.5)


def test_service_figures_outside_the_scope_or_of_a_grid_answer_404(client, world, secretary_a):
    client.force_login(secretary_a)
    for node in (world.community_b.pk, world.street.pk, world.grid_a1.pk, 2**70):
        assert client.get(SERVICE, {"node": node, "year": last_year()}).status_code == 404, node
    detail = _refused_with_message(client.get(SERVICE, {"node": world.community_a.pk, "year": 1999}), 400)
    assert "2000" in detail


def test_a_user_without_the_service_permission_is_refused(client, world, resident):
    client.force_login(resident)
    _refused_with_message(client.get(SERVICE, {"node": world.community_a.pk, "year": last_year()}), 403)


@pytest.mark.usefixtures("march")
def test_the_answers_match_the_documented_schema(in_process_app, world, secretary_a):  # noqa: F811
    """The fuzz test (tests/test_api_fuzz.py) reaches these operations with generated ids, which
    seldom name a node in scope: here each answers 200 and schemathesis checks the answer
    against the OpenAPI document."""
    small_ledger_world(world, secretary_a)
    headers = {"Authorization": _bearer(secretary_a, TokenScope.READ)["HTTP_AUTHORIZATION"]}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process_app, headers=headers)
    for path, query in (
        ("/api/v1/dashboard/screen", {"node": str(world.org_a.pk), "year": "2026"}),
        ("/api/v1/dashboard/reports/ledger", {"org": world.branch_a1.pk, "year": last_year()}),
        ("/api/v1/dashboard/reports/service-grid", {"node": world.community_a.pk, "year": 2026}),
    ):
        case = schema[path]["GET"].Case(query=query)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == 200, (path, response.text[:300])

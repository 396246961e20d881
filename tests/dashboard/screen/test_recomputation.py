"""Every number of the big screen equals a recomputation from the raw records of a generated
community (seed 2026), counted here in Python from the rows rather than through the figures'
own queries; and the grid sentence states the share the generator guarantees (57% of grid
workers are party members, rounded to whole people)."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.activities.choices import ActivityState
from dangjian.activities.models import Activity, HoursRecord
from dangjian.core.generator import SCALES
from dangjian.core.periods import Period
from dangjian.members.models import GridWorker, PartyMember
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.service.models import ServiceRequest
from dangjian.service.selectors import early_margin
from dangjian.volunteering.choices import VolunteerState
from dangjian.volunteering.models import Volunteer

SEED = 2026


@pytest.fixture(scope="class")
def generated(django_db_setup, django_db_blocker):
    """The community scale, generated once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("generate", "--scale", "community", "--seed", str(SEED), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _ratio(part: int, whole: int):
    return None if not whole else part / whole


def recompute(node: Organization, period: Period) -> dict[str, object]:
    """The screen's figures for an organization, from the rows."""
    start, end = period.bounds()
    area = node.jurisdiction
    grids = [
        path
        for path, kind, active in Area.objects.values_list("path", "kind", "is_active")
        if path.startswith(area.path) and kind == AreaKind.GRID and active
    ]
    members = {
        person for person, active in PartyMember.objects.values_list("person_id", "is_active") if active
    }
    workers = {
        person
        for person, path, active in GridWorker.objects.values_list("person_id", "area__path", "is_active")
        if active and path.startswith(area.path)
    }
    requests = [
        row
        for row in ServiceRequest.objects.values(
            "org_path", "created_at", "accepted_at", "resolved_at", "due_at", "rating_is_bad"
        )
        if row["org_path"].startswith(node.path)
    ]
    received = [r for r in requests if r["accepted_at"] and start <= r["created_at"] < end]
    resolved = [r for r in requests if r["resolved_at"] and start <= r["resolved_at"] < end]
    on_time = [r for r in resolved if r["resolved_at"] <= r["due_at"]]
    early = [r for r in resolved if r["resolved_at"] <= r["due_at"] - early_margin()]
    rated = [r for r in resolved if r["rating_is_bad"] is not None]
    satisfied = [r for r in rated if r["rating_is_bad"] is False]
    held = [
        row
        for row in Activity.objects.values("org__path", "state", "ends_at")
        if row["org__path"].startswith(node.path)
        and row["state"] == ActivityState.FINISHED
        and start <= row["ends_at"] < end
    ]
    hours = sum(
        (
            row["hours"]
            for row in HoursRecord.objects.values("org__path", "served_on", "hours")
            if row["org__path"].startswith(node.path) and period.start <= row["served_on"] < period.end
        ),
        Decimal("0"),
    )
    volunteers = [
        row
        for row in Volunteer.objects.values("org__path", "state")
        if row["org__path"]
        and row["org__path"].startswith(node.path)
        and row["state"] == VolunteerState.ACTIVE
    ]
    return {
        "orgs.grids": len(grids),
        "members.grid_workers": len(workers),
        "members.grid_workers_members": len(workers & members),
        "members.grid_worker_member_share": _ratio(len(workers & members), len(workers)),
        "service.received": len(received),
        "service.on_time_rate": _ratio(len(on_time), len(resolved)),
        "service.early_rate": _ratio(len(early), len(resolved)),
        "service.satisfaction_rate": _ratio(len(satisfied), len(rated)),
        "activities.activities_held": len(held),
        "activities.hours": float(hours),
        "volunteering.volunteers": len(volunteers),
    }


def _months(period: Period) -> list[Period]:
    today = timezone.localdate()
    last = min(period.last_day, today)
    return [Period.month(last.year, month) for month in range(1, last.month + 1)]


@pytest.mark.django_db
class TestGeneratedCommunity:
    def screen(self, client, username: str, **params) -> dict:
        client.force_login(User.objects.get(username=username))
        response = client.get(reverse("dashboard:screen_data"), params)
        assert response.status_code == 200, response.content[:300]
        return response.json()

    def test_every_figure_equals_a_recomputation_from_the_records(self, generated, client):
        payload = self.screen(client, "zzb_admin")
        node = Organization.objects.select_related("jurisdiction").get(pk=payload["node"]["id"])
        assert node.depth == 1  # the district admin opens on the district
        year = timezone.localdate().year
        expected = recompute(node, Period.year(year))
        shown = {figure["key"]: figure["value"] for figure in payload["figures"]}
        # Every figure the screen knows how to recompute is shown (evaluation's and 示范点's
        # figures, when registered, are proven by their own apps' tests).
        assert set(expected) <= set(shown)
        for key, value in expected.items():
            assert shown[key] == pytest.approx(value, abs=1e-4), key
        assert expected["service.received"] > 0 and expected["activities.activities_held"] >= 0

    def test_the_monthly_trends_equal_the_records_month_by_month(self, generated, client):
        payload = self.screen(client, "zzb_admin")
        node = Organization.objects.select_related("jurisdiction").get(pk=payload["node"]["id"])
        trends = payload["trends"]
        assert len(trends["months"]) == 12
        series = {item["key"]: item["values"] for item in trends["series"]}
        year = timezone.localdate().year
        for month in _months(Period.year(year)):
            index = trends["months"].index(f"{month.start:%Y-%m}")
            expected = recompute(node, month)
            assert series["service.received"][index] == expected["service.received"], month
            rate = expected["service.on_time_rate"]
            assert series["service.on_time_rate"][index] == pytest.approx(
                None if rate is None else rate * 100, abs=1e-2
            )
            assert series["activities.activities_held"][index] == expected["activities.activities_held"]
            assert series["activities.hours"][index] == pytest.approx(expected["activities.hours"])

    def test_a_figures_series_equals_its_compute_month_by_month(self, generated):
        """The grouped ``series`` the trends read (one query for 12 months) answers what the
        figure's own ``compute`` answers for each month, for every figure that has one."""
        from dangjian.core.registry import registry
        from dangjian.dashboard.screen.content import trend_months

        node = Organization.objects.select_related("jurisdiction").get(depth=1)
        months = trend_months(Period.year(timezone.localdate().year))
        with_series = [figure for figure in registry["figures"].values() if figure.series is not None]
        assert {"service.received", "service.on_time_rate", "activities.hours"} <= {
            f.key for f in with_series
        }
        for figure in with_series:
            for tree_node in (node, node.jurisdiction):
                if ("area" if tree_node is node.jurisdiction else "org") not in figure.trees:
                    continue
                expected = [figure.compute(tree_node, month) for month in months]
                assert figure.series(tree_node, months) == expected, figure.key

    def test_the_grid_sentence_states_the_share_the_generator_guarantees(self, generated, client):
        payload = self.screen(client, "zzb_admin")
        workers = payload_value(payload, "members.grid_workers")
        members = payload_value(payload, "members.grid_workers_members")
        share = SCALES["community"].grid_worker_member_share
        assert members == round(workers * share)
        # The sentence writes a whole percentage, as the documents do (占57%).
        percent = (Decimal(members) * 100 / Decimal(workers)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        sentence = next(item["html"] for item in payload["sentences"] if item["key"] == "grids")
        assert f">{workers}</a>" in sentence and f">{members}</a>" in sentence
        assert f">{percent}%</a>" in sentence

    def test_a_community_secretary_sees_her_community_only(self, generated, client):
        payload = self.screen(client, "sq_shuji")
        node = Organization.objects.select_related("jurisdiction").get(pk=payload["node"]["id"])
        assert node.depth > 1
        expected = recompute(node, Period.year(timezone.localdate().year))
        shown = {figure["key"]: figure["value"] for figure in payload["figures"]}
        for key in set(expected) & set(shown):
            assert shown[key] == pytest.approx(expected[key], abs=1e-4), key


def payload_value(payload: dict, key: str):
    return next(figure["value"] for figure in payload["figures"] if figure["key"] == key)

"""The screen's star-rating and 示范点 sentences state what the evaluation and demonstration apps
recorded (through their figures), each number opening its records."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import registry
from dangjian.evaluation.choices import RoundStatus
from tests.demonstration.helpers import designation
from tests.evaluation.helpers import YEAR, round_in

pytestmark = pytest.mark.django_db


def sentence(client, key: str, **params) -> str:
    data = client.get(reverse("dashboard:screen_data"), params).json()
    return next(item["html"] for item in data["sentences"] if item["key"] == key)


def numbers(html: str) -> list[str]:
    return re.findall(r'class="dj-screen-number"[^>]*>([^<]+)<', html)


def test_the_star_sentence_counts_the_rounds_records(client, world, district_admin):
    # 社区A: 20 points → 3★; 社区B: 30 → 4★ (as in tests/evaluation/test_figures.py).
    round_in(world, RoundStatus.FINAL, points={world.org_a.pk: (20, 0), world.org_b.pk: (30, 0)})
    client.force_login(district_admin)
    html = sentence(client, "stars", node=world.street_org.pk, tree="org", year=YEAR)
    assert numbers(html) == ["0", "1", "1", "0", "0"]  # five, four, three, two, one star
    period = Period.year(YEAR)
    assert (
        registry["figures"]["evaluation.stars_4"].records_url(world.street_org, period).replace("&", "&amp;")
        in html
    )


def test_the_demonstration_sentence_counts_the_points_in_force(client, world, district_admin):
    designation(world, world.org_a)
    designation(world, world.branch_a1, level="city")
    client.force_login(district_admin)
    year = timezone.localdate().year
    html = sentence(client, "demonstration", node=world.street_org.pk, tree="org", year=year)
    assert numbers(html) == ["2"]

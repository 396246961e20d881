"""The figures ``evaluation.stars_1`` … ``evaluation.stars_5`` equal a count of the star records,
and their records page lists exactly those organizations."""

from __future__ import annotations

from django.urls import reverse

from dangjian.core.periods import Period
from dangjian.core.registry import registry
from dangjian.evaluation.choices import RoundStatus
from dangjian.evaluation.models import OrgStarRecord
from tests.evaluation.helpers import YEAR, round_in


def test_the_star_figures_count_the_records_of_the_year_and_open_them(client, world, district_admin):
    # 社区A: 0 + 20 = 20 → 3★; 社区B: 0 + 30 = 30 → 4★ (no help pairs: the auto item gives 0).
    round_in(world, RoundStatus.FINAL, points={world.org_a.pk: (20, 0), world.org_b.pk: (30, 0)})
    period = Period.year(YEAR)
    counts = {
        stars: registry["figures"][f"evaluation.stars_{stars}"].compute(world.street_org, period)
        for stars in range(1, 6)
    }
    expected = {
        stars: OrgStarRecord.objects.filter(
            org__path__startswith=world.street_org.path, year=YEAR, stars=stars
        ).count()
        for stars in range(1, 6)
    }
    assert counts == expected
    assert counts[3] == 1 and counts[4] == 1 and sum(counts.values()) == 2
    # Another year counts nothing; a node below counts its own subtree only.
    assert registry["figures"]["evaluation.stars_3"].compute(world.street_org, Period.year(YEAR - 1)) == 0
    assert registry["figures"]["evaluation.stars_4"].compute(world.org_a, period) == 0

    client.force_login(district_admin)
    url = registry["figures"]["evaluation.stars_4"].records_url(world.street_org, period)
    page = client.get(url).content.decode()
    assert page.count("data-record=") == 1 and world.org_b.name in page and world.org_a.name not in page
    assert url.startswith(reverse("evaluation:star_list"))

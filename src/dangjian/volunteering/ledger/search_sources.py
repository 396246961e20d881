"""What the staff search box finds in the volunteer ledger: volunteers by name (简/繁, pinyin,
initials), in pinyin order at a bounded cost for a common surname, in the user's scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import SearchHit, SearchSource, register_search_source
from dangjian.core.search import search_in_name_order
from dangjian.volunteering.ledger.services import VIEW
from dangjian.volunteering.models import Volunteer


def find_volunteers(user, text: str, limit: int) -> list[SearchHit]:
    volunteers = (
        Volunteer.objects.visible_to(user, VIEW)
        .select_related("person", "area")
        .only("pk", "state", "sort_name", "person__name", "area__name")
    )
    return [
        SearchHit(
            volunteer.person.name,
            reverse("volunteering:volunteer_detail", kwargs={"pk": volunteer.pk}),
            f"{volunteer.area.name} · {volunteer.get_state_display()}",
        )
        for volunteer in search_in_name_order(volunteers, text, key="sort_name")[:limit]
    ]


register_search_source(
    SearchSource(
        "volunteers",
        _("Volunteers"),
        find_volunteers,
        VIEW,
        more_url=lambda text: f"{reverse('volunteering:volunteer_list')}?{urlencode({'q': text})}",
        order=70,
    )
)

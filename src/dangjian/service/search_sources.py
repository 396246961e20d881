"""What the staff search box finds among service requests: a whole tracking code, or words of
the title (the start of the description when there is none), newest first, in the user's scope."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dangjian.core.registry import SearchHit, SearchSource, register_search_source
from dangjian.core.search import newest_matching
from dangjian.service.models import ServiceRequest
from dangjian.service.services.rights import VIEW


def find_requests(user, text: str, limit: int) -> list[SearchHit]:
    visible = ServiceRequest.objects.visible_to(user, VIEW).only(
        "pk", "tracking_code", "title", "description", "state", "created_at"
    )
    code = text.replace(" ", "").upper()
    rows = list(visible.filter(tracking_code=code)[:1]) if len(code) == 10 and code.isalnum() else []
    if not rows:
        rows = newest_matching(visible, text, limit)
    return [
        SearchHit(
            row.title or row.description[:30],
            reverse("service:request_detail", kwargs={"pk": row.pk}),
            f"{row.tracking_code} · {row.get_state_display()}",
        )
        for row in rows
    ]


register_search_source(
    SearchSource(
        "service_requests",
        _("Service requests"),
        find_requests,
        VIEW,
        more_url=lambda text: f"{reverse('service:request_list')}?{urlencode({'q': text})}",
        order=50,
    )
)

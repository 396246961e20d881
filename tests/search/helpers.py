"""Records in 社区A and 社区B for the search box's tests."""

from __future__ import annotations

from dangjian.members.models import PartyMember
from dangjian.service import services
from dangjian.service.choices import RequestSource
from dangjian.service.models import ServiceRequest
from tests.factories import PersonFactory
from tests.service.open311_routes import categories


def member(org, name: str) -> PartyMember:
    found = PartyMember.objects.filter(person__name=name, org=org).first()
    return found or PartyMember.objects.create(person=PersonFactory(name=name), org=org)


def request_titled(world, grid, title: str) -> ServiceRequest:
    found = ServiceRequest.objects.filter(title=title).first()
    if found is not None:
        return found
    return services.submit_request(
        category=categories(world),
        title=title,
        description="居民反映的情况",
        source=RequestSource.PORTAL,
        area=grid,
    )

"""Every staff page of the lists opens for 社区A's secretary (a first pass before the tables)."""

from __future__ import annotations

from django.urls import reverse

from tests.volunteering.lists.helpers import need_a, project_in, resource_in, wish_a


def test_pages_open(client, secretary_a, world):
    need = need_a(world)
    wish = wish_a(world)
    resource = resource_in(world.community_a, world.org_a)
    project = project_in(world.community_a, world.org_a)
    client.force_login(secretary_a)
    for name, args in [
        ("volunteering:need_list", []),
        ("volunteering:need_create", []),
        ("volunteering:need_detail", [need.pk]),
        ("volunteering:need_edit", [need.pk]),
        ("volunteering:need_assign", [need.pk]),
        ("volunteering:need_met", [need.pk]),
        ("volunteering:need_close", [need.pk]),
        ("volunteering:resource_list", []),
        ("volunteering:resource_detail", [resource.pk]),
        ("volunteering:resource_edit", [resource.pk]),
        ("volunteering:resource_create", []),
        ("volunteering:project_list", []),
        ("volunteering:project_detail", [project.pk]),
        ("volunteering:project_edit", [project.pk]),
        ("volunteering:project_create", []),
        ("volunteering:wish_list", []),
        ("volunteering:wish_detail", [wish.pk]),
        ("volunteering:wish_create", []),
        ("volunteering:wish_publish", [wish.pk]),
        ("volunteering:public_need_list", []),
        ("volunteering:public_need_submit", []),
        ("volunteering:public_wish_list", []),
        ("volunteering:public_wish_submit", []),
        ("volunteering:public_wish_lookup", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (name, response.status_code, response.content[:2000])

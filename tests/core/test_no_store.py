"""No page with personal data stays in a cache (issue 15 point 6): every answer to a signed-in
user, every API answer and every portal page is ``private, no-store``; the served headers are
read from a running server in tests/test_headers_served.py."""

from __future__ import annotations

from django.urls import reverse

from dangjian.core.middleware import NoStoreMiddleware


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_a_signed_in_page_and_the_api_are_never_stored(client, resident):
    client.force_login(resident)
    for url in (reverse("home"), "/api/v1/me"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= _directives(response), url


def test_portal_pages_are_never_stored_even_without_a_sign_in(client, db):
    response = client.get(reverse("portal:track_lookup"))
    assert {"private", "no-store"} <= _directives(response)


def test_an_anonymous_public_page_keeps_a_caching_its_view_chose(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    def public_view(request):
        response = HttpResponse("公开")
        response["Cache-Control"] = "public, max-age=300"
        return response

    request = rf.get("/publicity/notices/")
    request.user = AnonymousUser()
    assert NoStoreMiddleware(public_view)(request)["Cache-Control"] == "public, max-age=300"
    request = rf.get("/portal/notices/")
    request.user = AnonymousUser()
    assert _directives(NoStoreMiddleware(public_view)(request)) == {"max-age=300", "private", "no-store"}

"""The OpenAPI document at /api/v1/openapi.json: one component per class, errors documented.

Ninja merges every operation's schema definitions into ``components`` by class name without a
check; two apps' ``ClaimOut`` became one and the claims list of 双报到 was documented with the
fields of 服务岗位's claims (found by tests/test_api_fuzz.py). ``dangjian.api`` names a shared
class name by its app.
"""

from __future__ import annotations

import re

from django.urls import get_resolver
from ninja.openapi.schema import OpenAPISchema

from dangjian.api import api


def _definitions_by_name(monkeypatch) -> tuple[dict, dict[str, list]]:
    """The document, and the definitions each component name received while it was last built."""
    builds: list[dict[str, list]] = []
    original = OpenAPISchema.add_schema_definitions

    def recording(self, definitions):
        if not builds or builds[-1].get("__schema__") is not self:
            builds.append({"__schema__": self})
        for name, definition in definitions.items():
            found = builds[-1].setdefault(name, [])
            if definition not in found:
                found.append(definition)
        return original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    document = api.get_openapi_schema()
    last = {name: found for name, found in builds[-1].items() if name != "__schema__"}
    return document, last


def test_no_two_classes_share_a_component_name(monkeypatch):
    _document, definitions = _definitions_by_name(monkeypatch)

    assert {name: len(found) for name, found in definitions.items() if len(found) > 1} == {}


def test_each_claims_list_is_documented_with_its_own_fields():
    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]

    def item_fields(path: str) -> set[str]:
        page = document["paths"][path]["get"]["responses"][200]["content"]["application/json"]["schema"]
        page_schema = schemas[page["$ref"].rsplit("/", 1)[1]]
        item = schemas[page_schema["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[1]]
        return set(item["properties"])

    assert {"report_id", "pairing_id", "kind"} <= item_fields("/api/v1/dual-reporting/claims")
    assert {"post_id", "post_title", "member_id"} <= item_fields("/api/v1/posts/claims")


def test_every_operation_documents_the_common_error_answers():
    document = api.get_openapi_schema()

    missing = [
        f"{method.upper()} {path}: {status}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status in (400, 401, 403, 404, 409, 422, 429, 503)
        if status not in operation["responses"] and str(status) not in operation["responses"]
    ]

    assert missing == []
    assert document["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_the_open311_description_names_every_open311_resource(client):
    """Each Open311 URL pattern (in its JSON form) has a path in /open311/v2/openapi.json."""
    document = client.get("/open311/v2/openapi.json").json()
    served = {
        re.sub(r"<str:\w+>", "{}", str(pattern.pattern).replace("<open311_format:fmt>", "json"))
        for pattern in get_resolver("dangjian.service.open311_urls").url_patterns
    }
    described = {re.sub(r"\{\w+\}", "{}", path.lstrip("/")) for path in document["paths"]}

    assert document["servers"] == [{"url": "/open311/v2"}]
    assert served - {"openapi.json"} == described
    assert set(document["paths"]["/requests.json"]) == {"get", "post"}

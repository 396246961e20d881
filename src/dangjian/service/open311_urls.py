"""URLs of Open311 GeoReport v2 at /open311/v2/: each resource ends in .json or .xml (the format)."""

from django.urls import path, register_converter

from dangjian.service import open311


class FormatConverter:
    """The response format suffix of the spec: ``json`` or ``xml``."""

    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

app_name = "open311"

urlpatterns = [
    path("openapi.json", open311.openapi_description, name="openapi"),
    path("services.<open311_format:fmt>", open311.service_list, name="service_list"),
    path("services/<str:code>.<open311_format:fmt>", open311.service_definition, name="service_definition"),
    path("requests.<open311_format:fmt>", open311.request_list, name="request_list"),
    path("requests/<str:code>.<open311_format:fmt>", open311.request_detail, name="request_detail"),
    path("tokens/<str:token>.<open311_format:fmt>", open311.token_detail, name="token_detail"),
]

"""PDF documents (transfer letters, meeting minutes) rendered from templates by WeasyPrint.

The templates are ordinary Django templates; ``templates/pdf/base.html`` sets an A4 page and the
Noto CJK fonts from Debian's ``fonts-noto-cjk`` package, which WeasyPrint embeds (a PDF that
only names a font prints rare characters in names wrongly on the recipient's machine). No
resource is fetched from the network: ``base_url`` is the static root, and URLs in templates
must be relative to it.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """The bytes of the PDF made from ``template_name`` (which should extend ``pdf/base.html``)."""
    from weasyprint import HTML  # imported here: loading Pango costs ~0.3 s, pages rarely need it

    html = render_to_string(template_name, context, request=request)
    base_url = str(getattr(settings, "STATIC_ROOT", "") or settings.BASE_DIR)
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(template_name: str, context: dict, *, filename: str, request=None) -> HttpResponse:
    """An inline PDF response; ``filename`` may be Chinese (RFC 6266 ``filename*``)."""
    response = HttpResponse(
        render_pdf(template_name, context, request=request), content_type="application/pdf"
    )
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{escape_uri_path(filename)}"
    return response

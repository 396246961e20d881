"""The pages every Excel ledger shares: upload and dry run, confirm, template download, export.

An app's view checks its permission and calls these with its ``ImportSpec``; the steps are
(1) upload, (2) the dry-run report with a confirm button when every row passed, (3) the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.excel import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    ImportSpec,
    commit,
    discard_upload,
    dry_run,
    export_workbook,
    keep_upload,
    load_upload,
    record_export,
    template_workbook,
    too_large_message,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Fill in the template, then upload it here. Nothing is saved before you confirm."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


def attachment(content: bytes, file_name: str, content_type: str = XLSX_CONTENT_TYPE) -> HttpResponse:
    """A download with its Chinese file name (RFC 5987 ``filename*``) and an ASCII fallback."""
    response = HttpResponse(content, content_type=content_type)
    extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
    response["Content-Disposition"] = (
        f"attachment; filename=\"download.{extension}\"; filename*=UTF-8''{quote(file_name)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def template_download(spec: ImportSpec) -> HttpResponse:
    return attachment(template_workbook(spec), f"{spec.title}-{_('template')}.xlsx")


def export_response(
    spec: ImportSpec,
    rows: Iterable[Mapping[str, Any]],
    *,
    by,
    filters: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The export of ``rows`` in the spec's columns, with its audit line (filters and row count).

    ``extra`` is read after the rows are written, so a row generator may fill it in as it goes
    (e.g. how many rows carried clear personal data).
    """
    file_name = f"{spec.title}-{timezone.localdate():%Y%m%d}.xlsx"
    counter: list[int] = []
    content = export_workbook(spec, rows, counter=counter)
    record_export(spec, by=by, filters=filters, count=counter[0], file_name=file_name, extra=extra)
    return attachment(content, file_name)


def import_page(
    request: HttpRequest,
    spec: ImportSpec,
    *,
    template_url: str,
    done_url: str = "",
    breadcrumbs: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    """Steps 1–3 of an import on one URL; the caller has checked the user may import at all.

    POST with ``file`` runs the dry run; POST with ``token`` commits the kept upload, which only
    its own uploader may confirm, and deletes it; POST with ``token`` and ``cancel`` deletes it
    without importing (it holds clear personal data: nothing keeps it longer than needed).
    """
    context: dict[str, Any] = {
        "spec": spec,
        "title": spec.title,
        "template_url": template_url,
        "done_url": done_url,
        "breadcrumbs": breadcrumbs or [],
        "max_rows": MAX_ROWS,
        "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024),
        "columns": spec.columns,
    }
    if request.method == "POST" and "token" in request.POST and "cancel" in request.POST:
        upload = load_upload(spec, request.POST["token"], by=request.user)
        if upload is not None:
            discard_upload(upload)
        context["form"] = UploadForm()
        context["cancelled"] = _(
            "The import was cancelled and the uploaded file deleted; nothing was imported."
        )
        return render(request, "core/import_upload.html", context)
    if request.method == "POST" and "token" in request.POST:
        upload = load_upload(spec, request.POST["token"], by=request.user)
        if upload is None:
            context["form"] = UploadForm()
            context["refused"] = _(
                "This upload is not yours or has expired (uploads are kept for 24 hours). "
                "Please upload the file again."
            )
            return render(request, "core/import_upload.html", context, status=400)
        report = commit(spec, upload.read(), by=request.user, file_name=upload.original_name)
        discard_upload(upload)
        context.update(report=report, step=3 if report.committed else 2)
        return render(request, "core/import_report.html", context)

    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            data = upload_file.read()
            report = dry_run(spec, data, by=request.user, file_name=upload_file.name)
            if report.file_error:
                form.add_error("file", report.file_error)
            else:
                token = (
                    keep_upload(spec, data, by=request.user, original_name=upload_file.name)
                    if report.ok
                    else ""
                )
                context.update(report=report, token=token, step=2)
                return render(request, "core/import_report.html", context)
    else:
        form = UploadForm()
    context["form"] = form
    return render(request, "core/import_upload.html", context)

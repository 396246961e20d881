"""Permission table of the trees' Excel pages: import, template and export of areas and organizations.

None of them shows a single object: imports are checked row by row (tests/orgs/test_import_*.py)
and exports hold the visible subtree only, so there is no out-of-scope URL to test here.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.permissions import Route


def _upload(header: list[str], row: list[str]) -> dict:
    """Form data of an upload: a small workbook the persona may import (the dry run answers 200)."""
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "import.xlsx"
    return {"file": buffer}


ROUTES: list[Route] = [
    Route("orgs:area_import", denied_persona="grid_worker_a"),
    Route(
        "orgs:area_import",
        method="post",
        data=lambda world: _upload(
            ["Code", "Name", "Type", "Parent code"], ["110105001001G09", "第九网格", "Grid", "110105001001"]
        ),
        denied_persona="grid_worker_a",
    ),
    Route("orgs:area_import_template", denied_persona="grid_worker_a"),
    Route("orgs:area_export", denied_persona="resident"),
    Route("orgs:org_import", denied_persona="grid_worker_a"),
    Route(
        "orgs:org_import",
        method="post",
        data=lambda world: _upload(
            ["Code", "Name", "Type", "Parent code"], ["B0900", "新支部", "Branch", "C0001"]
        ),
        denied_persona="grid_worker_a",
    ),
    Route("orgs:org_import_template", denied_persona="grid_worker_a"),
    Route("orgs:org_export", denied_persona="resident"),
]

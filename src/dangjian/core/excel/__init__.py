"""Excel import and export of the platform's ledgers: templates, dry runs, row errors, exports.

Grassroots work lives in Excel. Each ledger declares an ``ImportSpec`` (its columns and a row
handler that calls the app's services); this package turns it into a template workbook
(``workbooks``), reads an upload into typed rows with Chinese cell errors (``cells``,
``reading``), runs the handler for every row in one transaction (``running``: always rolled back
for a dry run, rolled back entirely on any error for a commit), keeps an upload between the dry
run and the commit (``pending``) and writes exports in the same columns so an exported ledger
re-imports unchanged.
"""

from __future__ import annotations

from dangjian.core.excel.cells import (
    HEADER_SEARCH_ROWS,
    MAX_ERRORS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    PENDING_MAX_AGE,
    REQUIRED_MARK,
    XLS_MAGIC,
    XLSX_MAGIC,
    CellError,
    ImportFileError,
    cell_text,
    parse_choice,
    parse_code,
    parse_date,
    parse_int,
    parse_text,
)
from dangjian.core.excel.pending import (
    PendingUpload,
    discard_upload,
    keep_upload,
    load_upload,
    pending_dir,
    remove_stale_uploads,
)
from dangjian.core.excel.reading import (
    check_upload,
    read_rows,
    too_large_message,
)
from dangjian.core.excel.running import (
    commit,
    dry_run,
)
from dangjian.core.excel.specs import (
    Column,
    ImportContext,
    ImportReport,
    ImportSpec,
    Outcome,
    Row,
    RowError,
    choice_column,
    code_column,
    date_column,
    text_column,
)
from dangjian.core.excel.workbooks import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    REQUIRED_HEADER_FONT,
    export_sheets,
    export_workbook,
    header_label,
    record_export,
    template_workbook,
)

__all__ = [
    "DATE_FORMAT",
    "HEADER_FILL",
    "HEADER_FONT",
    "HEADER_SEARCH_ROWS",
    "MAX_ERRORS",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "PENDING_MAX_AGE",
    "REQUIRED_HEADER_FONT",
    "REQUIRED_MARK",
    "XLSX_MAGIC",
    "XLS_MAGIC",
    "CellError",
    "Column",
    "ImportContext",
    "ImportFileError",
    "ImportReport",
    "ImportSpec",
    "Outcome",
    "PendingUpload",
    "Row",
    "RowError",
    "cell_text",
    "check_upload",
    "choice_column",
    "code_column",
    "commit",
    "date_column",
    "discard_upload",
    "dry_run",
    "export_sheets",
    "export_workbook",
    "header_label",
    "keep_upload",
    "load_upload",
    "parse_choice",
    "parse_code",
    "parse_date",
    "parse_int",
    "parse_text",
    "pending_dir",
    "read_rows",
    "record_export",
    "remove_stale_uploads",
    "template_workbook",
    "text_column",
    "too_large_message",
]

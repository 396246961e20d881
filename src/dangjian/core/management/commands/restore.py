"""``restore``: load a backup into an empty database and data directory, then verify every table
and file against the backup's manifest (core/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.core.backup import BackupError, restore


class Command(BaseCommand):
    help = _("Restore a backup into an empty database and verify it table by table.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", help=_("The backup directory written by the backup command."))

    def handle(self, *args, backup: str, **options) -> None:
        try:
            result = restore(Path(backup))
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            for line in result.differences:
                self.stderr.write(line)
            raise CommandError(
                _("The restored data differs from the backup (%(count)s differences).")
                % {"count": len(result.differences)}
            )
        self.stdout.write(
            _("Restored and verified: %(tables)s tables, %(rows)s rows and %(files)s files match the backup.")
            % {"tables": result.tables, "rows": result.rows, "files": result.files}
        )

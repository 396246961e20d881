"""``backup``: a consistent online backup of the database and the uploaded files (core/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.core.backup import BackupError, backup


class Command(BaseCommand):
    help = _(
        "Back up the database and the uploaded files into a new directory, with a manifest to verify a restore."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, help=_("Directory to write the backup under."))

    def handle(self, *args, output: str, **options) -> None:
        try:
            target = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Backup written to %(path)s.") % {"path": target})
        self.stdout.write(
            _(
                "The keys are not in the backup: keep a copy of the secret, encryption and lookup keys "
                "(DANGJIAN_*_KEY or the key files of the data directory) in another place; a restore needs "
                "the keys in force when the backup was taken."
            )
        )

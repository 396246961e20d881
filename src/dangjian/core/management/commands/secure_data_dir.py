"""``secure_data_dir``: make every file and directory of the data directory owner-only (core/data_dir.py).

``dangjian serve`` and ``dangjian demo`` run it with ``--once``: the walk happens once per data
directory after an upgrade, since everything written later is owner-only from the start.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dangjian.core.data_dir import tighten, tighten_once

# The paths named when some could not be changed; the rest are counted.
SHOWN_REFUSED = 20


class Command(BaseCommand):
    help = _(
        "Remove the group's and others' permissions from every file and directory of the data directory."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help=_("Do nothing if a complete run is already recorded in the data directory."),
        )

    def handle(self, *args, once: bool, **options) -> None:
        root = Path(settings.DATA_DIR)
        result = tighten_once(root) if once else tighten(root)
        if result is None:
            return
        if result.changed or not once:
            self.stdout.write(
                _("%(path)s: %(checked)s files and directories checked, %(changed)s made owner-only.")
                % {"path": root, "checked": result.checked, "changed": len(result.changed)}
            )
        if result.refused:
            self.stderr.write(
                _(
                    "%(count)s files or directories belong to another account and stay readable by "
                    "others; change their owner or mode by hand:"
                )
                % {"count": len(result.refused)}
            )
            for path in result.refused[:SHOWN_REFUSED]:
                self.stderr.write(f"  {path}")

"""``verify_audit_chain``: recompute the audit log's hash chain (core/audit_chain.py) and report
the first places it breaks; exits non-zero on a break."""

from __future__ import annotations

import argparse
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.core.audit_chain import verify_chain

ANCHOR = re.compile(r"^(\d+):([0-9a-fA-F]{64})$")


def anchor(value: str) -> tuple[int, str]:
    match = ANCHOR.match(value.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            _("Expected POSITION:HASH, as printed by an earlier check, not %(value)r.") % {"value": value}
        )
    return int(match[1]), match[2].lower()


def when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


class Command(BaseCommand):
    help = _(
        "Verify the audit log's hash chain: report a changed, deleted or inserted entry and a changed "
        "or removed seal, print the latest seal to write down elsewhere, and count entries not yet sealed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--expect",
            action="append",
            type=anchor,
            default=[],
            metavar="POSITION:HASH",
            help=_(
                "A seal printed by an earlier check and kept elsewhere; the check fails if the chain no "
                "longer holds it (the chain was rewritten). May be given several times."
            ),
        )

    def handle(self, *args, expect: list[tuple[int, str]], **options) -> None:
        report = verify_chain(expect=expect)
        self.stdout.write(
            _(
                "Sealed audit entries: %(count)s; latest seal: position %(index)s, hash %(hash)s, sealed at %(at)s."
            )
            % {
                "count": report.sealed,
                "index": report.head_index,
                "hash": report.head_hash,
                "at": when(report.head_sealed_at),
            }
        )
        # One line that is easy to log elsewhere and to pass back as --expect.
        self.stdout.write(f"HEAD {report.head_index}:{report.head_hash}")
        if report.pending:
            self.stdout.write(
                _(
                    "Not yet sealed: %(count)s entries, the oldest written at %(at)s (the worker seals "
                    "them every 5 minutes)."
                )
                % {"count": report.pending, "at": when(report.oldest_pending_at)}
            )
        else:
            self.stdout.write(_("Not yet sealed: none."))
        if report.intact:
            self.stdout.write(self.style.SUCCESS(_("The audit chain is intact.")))
            return
        for found in report.breaks:
            self.stdout.write(self.style.ERROR(found.message))
        if report.break_count > len(report.breaks):
            self.stdout.write(_("… and %(count)s more.") % {"count": report.break_count - len(report.breaks)})
        raise CommandError(
            _("The audit chain is broken in %(count)s places; the first: %(first)s")
            % {"count": report.break_count, "first": report.breaks[0].message}
        )

"""Run the retention purge by hand: ``dangjian purge_personal_data [--dry-run]``."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dangjian.privacy.services import purge_past_retention, retention_periods


class Command(BaseCommand):
    help = "Anonymize personal data kept past its retention period (--dry-run: only count)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would be anonymized.")
        parser.add_argument("--batch", type=int, default=500, help="Rows per transaction.")

    def handle(self, *args, dry_run: bool = False, batch: int = 500, **options) -> None:
        days = {source.key: period for source, period in retention_periods()}
        counts = purge_past_retention(dry_run=dry_run, batch=max(1, batch))
        verb = "would anonymize" if dry_run else "anonymized"
        for key, count in counts.items():
            self.stdout.write(f"{key}: {verb} {count} (kept {days[key]} days)")

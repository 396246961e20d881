"""Recompute the service figures rollup from the requests.

Run it after loading requests in bulk (the generator, an import), after changing
DANGJIAN_SERVICE_EARLY_MARGIN_HOURS, or after moving nodes of the trees; until then the figures
read the requests themselves wherever the rollup's margin differs from the setting.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dangjian.service import figures


class Command(BaseCommand):
    help = "Recompute the service figures rollup (受理量, 办结量, 按时/提前办结, 满意) from the requests."

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        count = figures.rebuild_rollup()
        self.stdout.write(f"service figures rollup: {count} rows in {time.perf_counter() - started:.1f} s")

"""``generate``: fill an empty database with synthetic data at a named scale (demo and benchmarks)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangjian.core.generator import SCALES, generate
from dangjian.core.generator.build import DatabaseNotEmpty


class Command(BaseCommand):
    help = _(
        "Generate synthetic data (both trees, people, members, grid workers, demo logins) at a named scale."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="community", help=_("Data scale."))
        parser.add_argument(
            "--seed", type=int, default=2026, help=_("Random seed; the same seed gives the same data.")
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("Do nothing if any area exists already (used by the demo command)."),
        )
        parser.add_argument(
            "--add-steps",
            default="",
            help=_(
                "Comma-separated generator steps to run on a database generated earlier at this scale "
                "(for a step added since)."
            ),
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, add_steps: str = "", **options) -> None:
        if add_steps:
            names = [name.strip() for name in add_steps.split(",") if name.strip()]
            try:
                generate(scale, seed, log=self.stdout.write, add_steps=names)
            except ValueError as error:
                raise CommandError(str(error)) from None
            return
        # The first step (``orgs.demo_data``'s areas) refuses a database that holds areas or
        # organizations, before anything is written; the whole run is one transaction.
        try:
            generate(scale, seed, log=self.stdout.write)
        except DatabaseNotEmpty:
            if if_empty:
                self.stdout.write(str(_("Areas exist already; nothing generated.")))
                return
            raise CommandError(
                _("The database already holds areas or organizations. Generate into an empty database.")
            ) from None

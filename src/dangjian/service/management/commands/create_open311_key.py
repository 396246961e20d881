"""Issue an api_key for an Open311 client; the key is printed once, on the last line, and only its hash is kept."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dangjian.service.open311 import issue_key


class Command(BaseCommand):
    help = "Create an Open311 api_key for a client NAME; prints the key on the last line (shown only once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="who uses the key, e.g. the client system's name")

    def handle(self, *args, **options) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("Give the client's name.")
        key, raw = issue_key(name)
        self.stdout.write(f"Open311 key {key.pk} for “{key.name}” created; only its hash is stored.")
        self.stdout.write("Clients send it as the api_key form field of POST /open311/v2/requests.json.")
        self.stdout.write(raw)

"""Re-encrypt every stored personal value under the newest encryption key (key rotation).

Rotation: put the new key first in DANGJIAN_ENCRYPTION_KEY (keep the old ones after it), run
this command, then drop the old keys. Lookup hashes use their own key and do not change.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from dangjian.core.personal import reencrypt

# (model label, cipher columns) of every table holding encrypted personal data.
ENCRYPTED_COLUMNS = [
    ("core.Person", ["id_number_cipher", "mobile_cipher"]),
    ("accounts.User", ["mobile_cipher"]),
]
BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers and phones under the first key of DANGJIAN_ENCRYPTION_KEY."

    def handle(self, *args, **options) -> None:
        for label, columns in ENCRYPTED_COLUMNS:
            model = apps.get_model(label)
            done = 0
            last_pk = 0
            while True:
                rows = list(model.objects.filter(pk__gt=last_pk).order_by("pk").only("pk", *columns)[:BATCH])
                if not rows:
                    break
                for row in rows:
                    for column in columns:
                        value = getattr(row, column)
                        if value:
                            setattr(row, column, reencrypt(value))
                with transaction.atomic():
                    model.objects.bulk_update(rows, columns)
                done += len(rows)
                last_pk = rows[-1].pk
            self.stdout.write(f"{label}: {done} rows re-encrypted")

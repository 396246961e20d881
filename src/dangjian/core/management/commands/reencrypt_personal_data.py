"""Re-encrypt every stored personal value under the newest encryption key (key rotation).

Rotation: put the new key first in DANGJIAN_ENCRYPTION_KEY (keep the old ones after it), run
this command, then drop the old keys. Lookup hashes use their own key and do not change.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from dangjian.core.personal import EncryptedValue, reencrypt

BATCH = 2000


def encrypted_columns() -> list[tuple[str, list[str]]]:
    """(model label, cipher columns) of every installed model with a ``PersonalData`` field (or
    another ``EncryptedValue``, such as a second-factor secret).

    Found from the models themselves, so core lists no app above it and a new app's encrypted
    field (a request's contact phone, a volunteer's phone) is rotated without editing this file.
    """
    found = []
    for model in apps.get_models():
        names = {
            name
            for klass in model.__mro__
            for name, value in vars(klass).items()
            if isinstance(value, EncryptedValue)
        }
        if names:
            found.append((model._meta.label, sorted(f"{name}_cipher" for name in names)))
    return found


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers and phones under the first key of DANGJIAN_ENCRYPTION_KEY."

    def handle(self, *args, **options) -> None:
        for label, columns in encrypted_columns():
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

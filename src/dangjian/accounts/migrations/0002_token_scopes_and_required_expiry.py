"""API tokens get scopes and a required expiry (issue 15).

Existing tokens keep what they could do (read and write; no endpoint revealed or exported) and
expire 90 days after the upgrade instead of never, so scripts keep working while their owners
replace them.
"""

import datetime

from django.db import migrations, models
from django.utils import timezone


def existing_tokens_read_write_for_90_days(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + datetime.timedelta(days=90)
    )
    ApiToken.objects.update(scopes=["read", "write"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(blank=True, default=list, verbose_name="scopes"),
        ),
        migrations.RunPython(existing_tokens_read_write_for_90_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]

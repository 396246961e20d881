"""What a letter from outside the system states about the membership gets columns of its own.

Before this migration the issuing organization's letter number, the status and the dates of an
incoming letter were kept in the ``incoming`` entry of the letter's registration (CREATE) audit
line. ``copy_facts_from_audit`` copies them into the new columns so letters registered earlier
can still be accepted; the audit lines themselves are append-only and stay as they are.
"""

import datetime

from django.db import migrations, models

# Frozen copies of the values of that time: a migration must not change when the code does.
INCOMING = "incoming"
STATUSES = {"full", "probationary"}


def _day(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def copy_facts_from_audit(apps, schema_editor):
    Transfer = apps.get_model("members", "Transfer")
    AuditEntry = apps.get_model("core", "AuditEntry")
    letters = Transfer.objects.filter(direction=INCOMING, incoming_status="").only("pk")
    for letter in letters.iterator(chunk_size=500):
        changes = (
            AuditEntry.objects.filter(
                object_type="members.transfer", object_id=str(letter.pk), action="create"
            )
            .order_by("id")
            .values_list("changes", flat=True)
            .first()
        )
        facts = (changes or {}).get(INCOMING)
        if not isinstance(facts, dict) or facts.get("status") not in STATUSES:
            continue  # no facts registered: accepting the letter stays refused
        Transfer.objects.filter(pk=letter.pk).update(
            external_letter_number=str(facts.get("external_letter_number") or "")[:64],
            incoming_status=facts["status"],
            incoming_joined_on=_day(facts.get("joined_on")),
            incoming_regularized_on=_day(facts.get("regularized_on")),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_notification"),
        ("members", "0004_ledger"),
    ]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="external_letter_number",
            field=models.CharField(
                blank=True, default="", max_length=64, verbose_name="issuing organization's letter number"
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="incoming_status",
            field=models.CharField(
                blank=True,
                choices=[("full", "Full member"), ("probationary", "Probationary member")],
                default="",
                max_length=16,
                verbose_name="status stated by the letter",
            ),
        ),
        migrations.AddField(
            model_name="transfer",
            name="incoming_joined_on",
            field=models.DateField(blank=True, null=True, verbose_name="joined on, as the letter states"),
        ),
        migrations.AddField(
            model_name="transfer",
            name="incoming_regularized_on",
            field=models.DateField(
                blank=True, null=True, verbose_name="became full member on, as the letter states"
            ),
        ),
        migrations.RunPython(copy_facts_from_audit, migrations.RunPython.noop, elidable=True),
    ]

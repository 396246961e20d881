"""Notices reach only those allowed to read them, and each reader keeps their own read mark.

``Notification.permission`` is what a reader must hold over the office's organization (the
permission of the page its link opens); ``object_type``/``object_id`` name the record the link
opens, checked again when the notice is opened. Org notices written before this migration get
the permission of their kind (the kinds the platform wrote until now); a kind not listed keeps
an empty permission and is then read only by system administrators.

``read_at`` on a shared org notice said "someone read it"; ``NotificationRead`` says who. A
personal notice's read time is kept as its recipient's mark; an org notice's shared flag cannot
be given to anyone in particular, so it becomes unread again for its readers.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# Kind -> the permission of the page its link opens (as the writers pass it from now on).
PERMISSION_OF_KIND = {
    "development_due": "development.view_applicant",
    "development_late": "development.view_applicant",
    "dues_six_months": "dues.view_duespayment",
    "life.silent_branch": "life.view_meeting",
    "political_birthday_reminder": "members.view_partymember",
    "service.reminder": "service.view_servicerequest",
    "service.overdue": "service.view_servicerequest",
    "service.supervised": "service.view_servicerequest",
    "service.whistle": "service.view_servicerequest",
    "service.bad_rating": "service.view_servicerequest",
    "service.dispatched": "service.view_servicerequest",
}


def fill_permissions_and_reads(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    NotificationRead = apps.get_model("core", "NotificationRead")
    for kind, permission in PERMISSION_OF_KIND.items():
        Notification.objects.filter(kind=kind).exclude(org_path="").update(permission=permission)
    feedback = Notification.objects.filter(kind="dual_reporting.feedback").exclude(org_path="")
    feedback.filter(link__contains="/pairings/").update(permission="dual_reporting.view_unitpairing")
    feedback.filter(permission="").update(permission="dual_reporting.view_memberreport")
    personal_read = Notification.objects.filter(user__isnull=False, read_at__isnull=False)
    batch = []
    for notification_id, user_id, read_at in personal_read.values_list("id", "user_id", "read_at").iterator():
        batch.append(NotificationRead(notification_id=notification_id, user_id=user_id, read_at=read_at))
        if len(batch) >= 1000:
            NotificationRead.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    NotificationRead.objects.bulk_create(batch, ignore_conflicts=True)


def restore_read_flags(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    NotificationRead = apps.get_model("core", "NotificationRead")
    for read in NotificationRead.objects.filter(notification__user_id=models.F("user_id")).iterator():
        Notification.objects.filter(pk=read.notification_id).update(read_at=read.read_at)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_person_scope_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="permission",
            field=models.CharField(
                blank=True,
                default="",
                help_text="What a reader must hold over the organization to receive it (app_label.codename).",
                max_length=100,
                verbose_name="permission",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="object_type",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="object type"),
        ),
        migrations.AddField(
            model_name="notification",
            name="object_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="object ID"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["permission", "org_path"], name="core_notice_audience_idx"),
        ),
        migrations.CreateModel(
            name="NotificationRead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("read_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="read at")),
                (
                    "notification",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reads",
                        to="core.notification",
                        verbose_name="notification",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_reads",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="reader",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification read",
                "verbose_name_plural": "notifications read",
                "ordering": ["-read_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(fields=("user", "notification"), name="core_notification_read_once")
                ],
            },
        ),
        migrations.RunPython(fill_permissions_and_reads, restore_read_flags),
        migrations.RemoveField(model_name="notification", name="read_at"),
    ]

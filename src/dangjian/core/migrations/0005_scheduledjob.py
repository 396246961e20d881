from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="ScheduledJob",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                (
                    "last_run_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last enqueued at"),
                ),
            ],
            options={
                "verbose_name": "scheduled job",
                "verbose_name_plural": "scheduled jobs",
                "ordering": ["name"],
            },
        ),
    ]

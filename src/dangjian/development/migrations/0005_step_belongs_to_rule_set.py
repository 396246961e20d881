"""Every step now belongs to a rule set (0004 filled it in), and its code is unique within its set."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("development", "0004_national_rule_set_2014"),
    ]

    operations = [
        migrations.AlterField(
            model_name="stepdefinition",
            name="rule_set",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="steps",
                to="development.ruleset",
                verbose_name="rule set",
            ),
        ),
        migrations.AddConstraint(
            model_name="stepdefinition",
            constraint=models.UniqueConstraint(
                fields=("rule_set", "code"), name="development_step_unique_code_in_set"
            ),
        ),
    ]

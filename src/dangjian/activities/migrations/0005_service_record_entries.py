"""The service record's other parts (《志愿服务记录与证明出具办法（试行）》第四条): ``RecordEntry`` for
training, awards and evaluations, the 证明's ``entries`` snapshot of them, and the same rights on
them for the built-in roles of existing databases as on hours (view and add for staff; view, add
and change for secretaries and the 组织部). Reversible: the table and the field are dropped."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from dangjian.accounts.roles import grant_builtin_permissions

EVERYTHING = ["view_recordentry", "add_recordentry", "change_recordentry"]
STAFF = ["view_recordentry", "add_recordentry"]


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0004_signup_to_confirm_index'),
        ('core', '0011_workbench_snapshot'),
        ('orgs', '0003_keyfiguresnapshot'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('accounts', '0001_initial'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='certificate',
            name='entries',
            field=models.JSONField(blank=True, default=list, verbose_name='training, awards and evaluations listed'),
        ),
        migrations.CreateModel(
            name='RecordEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('training', 'Training'), ('award', 'Award'), ('evaluation', 'Evaluation')], max_length=12, verbose_name='kind')),
                ('occurred_on', models.DateField(verbose_name='date')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('content', models.CharField(blank=True, default='', max_length=500, verbose_name='content or comment')),
                ('training_hours', models.DecimalField(blank=True, decimal_places=1, max_digits=5, null=True, verbose_name='training hours')),
                ('awarded_by', models.CharField(blank=True, default='', max_length=200, verbose_name='awarding body')),
                ('award_level', models.CharField(blank=True, choices=[('national', 'National'), ('provincial', 'Provincial'), ('city', 'City'), ('district', 'District'), ('street', 'Street'), ('community', 'Community'), ('other', 'Other')], default='', max_length=12, verbose_name='award level')),
                ('period', models.CharField(blank=True, default='', max_length=50, verbose_name='period evaluated')),
                ('result', models.CharField(blank=True, choices=[('excellent', 'Excellent'), ('good', 'Good'), ('pass', 'Satisfactory'), ('fail', 'Unsatisfactory')], default='', max_length=12, verbose_name='result')),
                ('reason', models.CharField(blank=True, default='', max_length=300, verbose_name='reason')),
                ('is_withdrawn', models.BooleanField(default=False, verbose_name='withdrawn')),
                ('recorded_at', models.DateTimeField(verbose_name='recorded at')),
                ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='activities.recordentry', verbose_name='corrects')),
                ('org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.organization', verbose_name='recording organization')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.person', verbose_name='person')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'service record entry',
                'verbose_name_plural': 'service record entries',
                'ordering': ['-occurred_on', '-id'],
                'indexes': [models.Index(fields=['person', 'occurred_on'], name='activities_entry_person_idx'), models.Index(fields=['org', 'kind', 'occurred_on'], name='activities_entry_org_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('corrects__isnull', True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='activities_entry_correction_reason'), models.CheckConstraint(condition=models.Q(('corrects__isnull', False), ('is_withdrawn', False), _connector='OR'), name='activities_entry_withdrawn_by_correction'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'training'), _negated=True), models.Q(('training_hours__gt', 0), ('training_hours__isnull', False)), _connector='OR'), name='activities_entry_training_hours_positive'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'award'), _negated=True), models.Q(('awarded_by', ''), _negated=True), _connector='OR'), name='activities_entry_award_body'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'evaluation'), _negated=True), models.Q(models.Q(('period', ''), _negated=True), models.Q(('result', ''), _negated=True)), _connector='OR'), name='activities_entry_evaluation_result')],
            },
        ),
        grant_builtin_permissions(
            "activities",
            {"org_department_admin": EVERYTHING, "org_secretary": EVERYTHING, "org_staff": STAFF},
        ),
    ]

"""Transfers (组织关系转接), a version on party members, and the transfer permissions of the built-in roles.

``ensure_builtin_roles`` only seeds roles that do not exist yet, so databases created before
this migration get the transfer permissions added to their existing built-in roles here.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Kept here rather than imported from accounts.roles: a migration must not change when the code does.
TRANSFER_PERMISSIONS = {
    "org_department_admin": ["add_transfer", "change_transfer", "view_transfer"],
    "org_secretary": ["add_transfer", "change_transfer", "view_transfer"],
    "org_staff": ["view_transfer"],
}


def add_transfer_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (post_migrate); create them now.
    # The historical app config has no models module, which create_permissions checks for.
    app_config = apps.get_app_config("members")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        app_config.models_module = models_module
    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    for code, codenames in TRANSFER_PERMISSIONS.items():
        role = Role.objects.filter(code=code, is_builtin=True).first()
        if role is None:
            continue
        permissions = Permission.objects.filter(content_type__app_label="members", codename__in=codenames)
        role.permissions.add(*permissions)


def remove_transfer_permissions(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="members", codename__endswith="_transfer")
    for role in Role.objects.filter(code__in=list(TRANSFER_PERMISSIONS), is_builtin=True):
        role.permissions.remove(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('members', '0001_initial'),
        ('orgs', '0002_tree_search_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='partymember',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.CreateModel(
            name='Transfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('letter_number', models.CharField(max_length=32, unique=True, verbose_name='letter number')),
                ('state', models.CharField(choices=[('initiated', 'Initiated'), ('accepted', 'Accepted'), ('returned', 'Returned'), ('expired', 'Expired')], default='initiated', max_length=16, verbose_name='state')),
                ('valid_until', models.DateField(verbose_name='valid until')),
                ('reason', models.TextField(blank=True, default='', verbose_name='reason')),
                ('initiated_at', models.DateTimeField(verbose_name='initiated at')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('decision_note', models.TextField(blank=True, default='', verbose_name='decision note')),
                ('member_version', models.PositiveIntegerField(verbose_name='member version at initiation')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('from_org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers_out', to='orgs.organization', verbose_name='from organization')),
                ('initiated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='initiated by')),
                ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='members.partymember', verbose_name='party member')),
                ('to_org', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transfers_in', to='orgs.organization', verbose_name='to organization')),
            ],
            options={
                'verbose_name': 'transfer',
                'verbose_name_plural': 'transfers',
                'ordering': ['-initiated_at', '-id'],
                'indexes': [models.Index(fields=['state', 'valid_until'], name='members_transfer_due_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'initiated')), fields=('member',), name='members_transfer_one_open_per_member')],
            },
        ),
            migrations.RunPython(add_transfer_permissions, remove_transfer_permissions),
    ]

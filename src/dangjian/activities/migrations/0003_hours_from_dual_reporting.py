"""One hours ledger: post every 双报到 service log already confirmed for a member to the hours
ledger, as confirming one does from now on (dual_reporting.signals.service_log_confirmed).

The recording organization is the community's party organization (the report's, else the highest
active organization whose jurisdiction the community is), else the member's own. A unit's logs
under a pairing are the unit's service, not a person's, and stay in 双报到 only. Points for these
records are posted by the periodic job (services.points.post_pending_points), idempotently.
Reversing deletes the posted records that have neither points nor a correction yet.
"""

from __future__ import annotations

from django.db import migrations

BATCH = 2000


def forwards(apps, schema_editor):
    ServiceLog = apps.get_model("dual_reporting", "ServiceLog")
    HoursRecord = apps.get_model("activities", "HoursRecord")
    Organization = apps.get_model("orgs", "Organization")
    community_orgs: dict[int, int | None] = {}

    def community_org(community_id: int) -> int | None:
        if community_id not in community_orgs:
            community_orgs[community_id] = (
                Organization.objects.filter(jurisdiction_id=community_id, is_active=True)
                .order_by("depth", "path")
                .values_list("pk", flat=True)
                .first()
            )
        return community_orgs[community_id]

    logs = (
        ServiceLog.objects.filter(report__isnull=False, confirmed_at__isnull=False, hours_record__isnull=True)
        .select_related("report__member", "report__community")
        .order_by("pk")
    )
    batch = []
    for log in logs.iterator(chunk_size=BATCH):
        report = log.report
        batch.append(
            HoursRecord(
                person_id=report.member.person_id,
                org_id=report.community_org_id or community_org(report.community_id) or report.member.org_id,
                served_on=log.served_on,
                place=report.community.name,
                content=log.description[:500],
                hours=log.hours,
                source="dual_reporting",
                service_log_id=log.pk,
                confirmed_by_id=log.confirmed_by_id,
                confirmed_at=log.confirmed_at,
            )
        )
        if len(batch) >= BATCH:
            HoursRecord.objects.bulk_create(batch)
            batch = []
    if batch:
        HoursRecord.objects.bulk_create(batch)


def backwards(apps, schema_editor):
    HoursRecord = apps.get_model("activities", "HoursRecord")
    PointEntry = apps.get_model("activities", "PointEntry")
    # Records already earning points or corrected are part of someone's history: they stay.
    earning = PointEntry.objects.filter(hours_record__isnull=False).values("hours_record_id")
    HoursRecord.objects.filter(
        source="dual_reporting", service_log__isnull=False, corrections__isnull=True
    ).exclude(pk__in=earning).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_role_permissions"),
        ("dual_reporting", "0002_role_permissions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

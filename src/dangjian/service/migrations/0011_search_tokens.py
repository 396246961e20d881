"""Search tokens of service requests (the staff search box): the column, its index, and the
tokens of the requests that exist."""

from django.db import migrations, models

from dangjian.core.search import search_index_operation

BATCH = 2000


def fill_tokens(apps, schema_editor):
    from dangjian.service.models.requests import request_search_tokens

    ServiceRequest = apps.get_model("service", "ServiceRequest")
    last = 0
    while True:
        rows = list(
            ServiceRequest.objects.filter(pk__gt=last)
            .order_by("pk")
            .only("pk", "title", "description", "tracking_code")[:BATCH]
        )
        if not rows:
            return
        for row in rows:
            row.search_tokens = request_search_tokens(row.title, row.description, row.tracking_code)
        ServiceRequest.objects.bulk_update(rows, ["search_tokens"], batch_size=500)
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0010_client_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicerequest",
            name="search_tokens",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        search_index_operation("service_servicerequest"),
    ]

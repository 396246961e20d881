from django.db import migrations

from dangjian.core.search import search_index_operation


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [search_index_operation("orgs_area", "orgs_organization")]

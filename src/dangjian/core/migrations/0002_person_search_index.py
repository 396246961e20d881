from django.db import migrations

from dangjian.core.search import search_index_operation


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [search_index_operation("core_person")]

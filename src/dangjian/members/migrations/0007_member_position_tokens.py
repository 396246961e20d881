"""Copy the people's search tokens, now with their position tokens, to their memberships."""

from django.db import migrations, models


def copy_tokens(apps, schema_editor):
    PartyMember = apps.get_model("members", "PartyMember")
    Person = apps.get_model("core", "Person")
    person = Person.objects.filter(pk=models.OuterRef("person_id"))
    PartyMember.objects.update(search_tokens=models.Subquery(person.values("search_tokens")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_member_sort_and_search"),
        ("core", "0007_person_sort_index_and_position_tokens"),
    ]

    operations = [migrations.RunPython(copy_tokens, copy_tokens)]

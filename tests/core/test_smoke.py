import pytest

from dangjian.core.models import Person


@pytest.mark.django_db
def test_person_is_found_by_traditional_name_and_pinyin():
    person = Person(name="张伟")
    person.id_number = "11010519491231002X"
    person.save()
    assert list(Person.objects.search("zw")) == [person]
    assert list(Person.objects.search("zhangwei")) == [person]
    assert list(Person.objects.search("張偉")) == [person]

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.validators import id_number_check_digit, validate_id_number, validate_mobile


def test_published_sample_id_number_is_valid():
    validate_id_number("11010519491231002X")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002A", "id_characters"),
        ("99010519491231002X", "id_region"),
        ("11010519491331002X", "id_birth_date"),
        ("110105194912310021", "id_check_digit"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code


def test_birth_date_in_the_future_is_refused():
    with pytest.raises(ValidationError):
        validate_id_number("110105203001010011", today=datetime.date(2026, 11, 24))


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_single_digit_change_breaks_the_check_digit(first17):
    check = id_number_check_digit(first17)
    changed = str((int(first17[5]) + 1) % 10)
    assert id_number_check_digit(first17[:5] + changed + first17[6:]) != check


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "+8613800138000"])
def test_mainland_mobiles_are_accepted(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", ["12800138000", "1380013800", "010-62345678"])
def test_landlines_and_short_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)

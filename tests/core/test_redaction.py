"""Phone and ID numbers are removed from public text; dates, codes, amounts and short numbers stay."""

from __future__ import annotations

import pytest

from dangjian.core.redaction import REDACTED, has_contact_numbers, redact


@pytest.mark.parametrize(
    "text",
    [
        "13800138000",
        "19912345678",
        "138 0013 8000",
        "138-0013-8000",
        "1380 013 8000",
        "+86 13800138000",
        "+8613800138000",
        "+86-138-0013-8000",
        "0086 13800138000",
        "8613800138000",
        "１３８００１３８０００",  # full-width digits
    ],
)
def test_a_mainland_mobile_is_removed_in_any_usual_spelling(text):
    assert redact(f"请联系我{text}，谢谢") == f"请联系我{REDACTED}，谢谢"


@pytest.mark.parametrize(
    "text",
    [
        "010-12345678",
        "01012345678",
        "0755-1234567",
        "021 12345678",
        "(010)12345678",
        "（0755）12345678",
        "010-1234-5678",
    ],
)
def test_a_landline_with_its_area_code_is_removed(text):
    assert redact(f"物业电话{text}打不通") == f"物业电话{REDACTED}打不通"


@pytest.mark.parametrize(
    "text",
    [
        "110101199003071234",
        "11010119900307123X",
        "11010119900307123x",
        "110101 19900307 1234",
        "110101 1990 0307 123X",
        "110101900307123",  # the old 15-digit number
        "６２２２０２１２３４５６７８９０１２３",  # a full-width bank card (19 digits)
    ],
)
def test_an_id_number_is_removed_with_or_without_spaces(text):
    assert redact(f"身份证号{text}。") == f"身份证号{REDACTED}。"


def test_every_number_in_a_text_is_removed_and_the_rest_kept():
    text = "我是3号楼2单元的张某，电话13800138000，座机010-62345678，身份证110101199003071234，请上门。"

    assert redact(text) == f"我是3号楼2单元的张某，电话{REDACTED}，座机{REDACTED}，身份证{REDACTED}，请上门。"


def test_two_phones_side_by_side_are_both_removed():
    assert redact("13800138000 13900139000") == f"{REDACTED} {REDACTED}"


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-24",
        "2026-11-24 10:15",
        "2026年11月24日",
        "20261124",
        "2026-11-24 2026-11-25 2026-11-26",  # dates side by side are not one long number
        "7KQ2M9TXPH",  # a tracking code
        "查询码 7KQ2M9TXPH",
        "1,380.00元",
        "13800元",
        "138000000.00元",
        "补贴 2,000 元，共 15 户",
        "5号楼2单元501室",
        "12345",
        "订单号12345678901234",  # 14 digits: neither a phone nor an ID
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits: not a mobile
        "0.5吨",
        "",
    ],
)
def test_dates_codes_amounts_and_short_numbers_survive(text):
    assert redact(text) == text
    assert not has_contact_numbers(text)


def test_nothing_becomes_empty_text():
    assert redact(None) == ""
    assert redact("") == ""


def test_a_link_holding_a_phone_is_recognised():
    assert has_contact_numbers("https://img.example.org/13800138000.jpg")
    assert not has_contact_numbers("https://img.example.org/a.jpg")

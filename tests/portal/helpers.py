"""Steps the portal tests share: get a code, fill in the report."""

from __future__ import annotations

from django.urls import reverse

from tests.portal import sms

PHONE = "13912345678"


def request_code(client, phone: str = PHONE):
    return client.post(reverse("portal:send_code"), {"contact_phone": phone}, HTTP_HX_REQUEST="true")


def report_data(category, *, code: str, phone: str = PHONE, **fields) -> dict:
    data = {
        "category": category.pk,
        "description": "楼道灯坏了一周，晚上看不见台阶",
        "address": "幸福里3号楼2单元",
        "contact_name": "张阿姨",
        "contact_phone": phone,
        "code": code,
        "latitude": "",
        "longitude": "",
        "area": "",
    }
    data.update(fields)
    return data


def report(client, category, *, phone: str = PHONE, **fields):
    """Get a code for the phone and submit a report with it (the right code unless given)."""
    request_code(client, phone)
    code = fields.pop("code", None) or sms.last_code(phone)
    return client.post(reverse("portal:submit"), report_data(category, code=code, phone=phone, **fields))

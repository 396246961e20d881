"""The API of the shared mechanisms: one's own notice settings (``/api/v1/notifications/preferences``),
the same choices as the page ``core:notification_preferences``."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from dangjian.core.choices import NoticeGroup
from dangjian.core.notice_channels import preference_of, update_preferences

router = Router(tags=["notifications"])


# A local wall-clock time, HH:MM. JSON Schema's "time" format demands a UTC offset, which quiet
# hours (always Asia/Shanghai) have no use for.
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _clock(text: str) -> datetime.time:
    hours, minutes = text.split(":")
    return datetime.time(int(hours), int(minutes))


class NoticePreferenceOut(Schema):
    email_groups: list[NoticeGroup] = Field(description="Groups of notices also sent by e-mail.")
    sms_groups: list[NoticeGroup] = Field(description="Groups of notices also sent by SMS.")
    quiet_enabled: bool
    quiet_start: str = Field(
        pattern=CLOCK, description="Local time (Asia/Shanghai, HH:MM) quiet hours start."
    )
    quiet_end: str = Field(
        pattern=CLOCK, description="Local time (HH:MM) quiet hours end; held messages go out then."
    )
    version: int = Field(description="0 until saved; send it back to refuse a stale change (409).")

    @staticmethod
    def resolve_quiet_start(preference) -> str:
        return preference.quiet_start.strftime("%H:%M")

    @staticmethod
    def resolve_quiet_end(preference) -> str:
        return preference.quiet_end.strftime("%H:%M")


class NoticePreferenceIn(Schema):
    email_groups: list[NoticeGroup] = []
    sms_groups: list[NoticeGroup] = []
    quiet_enabled: bool = True
    quiet_start: str = Field("22:00", pattern=CLOCK, description="HH:MM, local time (Asia/Shanghai).")
    quiet_end: str = Field("07:00", pattern=CLOCK, description="HH:MM, local time.")
    version: int | None = Field(None, ge=0, le=2**31 - 1)


@router.get("/preferences", response=NoticePreferenceOut, url_name="notification_preferences")
def preferences_read(request: HttpRequest):
    """The caller's own channels per group of notices (the inbox always) and quiet hours."""
    return preference_of(request.user)


@router.put("/preferences", response=NoticePreferenceOut, url_name="notification_preferences_update")
def preferences_update(request: HttpRequest, payload: NoticePreferenceIn):
    """Replace the caller's own notice settings; ``version`` as read (409 if changed meanwhile)."""
    return update_preferences(
        request.user,
        email_groups=[group.value for group in payload.email_groups],
        sms_groups=[group.value for group in payload.sms_groups],
        quiet_enabled=payload.quiet_enabled,
        quiet_start=_clock(payload.quiet_start),
        quiet_end=_clock(payload.quiet_end),
        version=payload.version,
    )

"""Demo data of the shared mechanisms: the demo logins' notice settings (通知方式), so the page
shows a secretary who takes deadlines by SMS and a member who keeps e-mail for meetings only."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from dangjian.core.choices import NoticeGroup
from dangjian.core.generator.steps import generator_step
from dangjian.core.models import NoticePreference

# Username -> (e-mail groups, SMS groups, quiet from, quiet until); the other logins keep the defaults.
DEMO_CHOICES: dict[str, tuple[list[str], list[str], datetime.time, datetime.time]] = {
    "sq_shuji": (
        [NoticeGroup.DEADLINES, NoticeGroup.MEETINGS, NoticeGroup.MAILBOX, NoticeGroup.ANNOUNCEMENTS],
        [NoticeGroup.DEADLINES, NoticeGroup.MAILBOX],
        datetime.time(22, 0),
        datetime.time(7, 0),
    ),
    "jd_shuji": (
        [NoticeGroup.DEADLINES],
        [NoticeGroup.DEADLINES],
        datetime.time(23, 0),
        datetime.time(6, 30),
    ),
    "dangyuan": (
        [NoticeGroup.MEETINGS, NoticeGroup.ANNOUNCEMENTS],
        [],
        datetime.time(21, 30),
        datetime.time(7, 30),
    ),
}


@generator_step("notice_channels", order=95)
def generate_notice_channels(generator) -> int:
    """Save the demo logins' channel choices (again on ``--add-steps``: existing rows are kept)."""
    users = (
        get_user_model().objects.filter(username__in=DEMO_CHOICES).exclude(notice_preference__isnull=False)
    )
    rows = [
        NoticePreference(
            user=user,
            email_groups=[str(group) for group in email],
            sms_groups=[str(group) for group in sms],
            quiet_start=start,
            quiet_end=end,
        )
        for user in users
        for email, sms, start, end in [DEMO_CHOICES[user.username]]
    ]
    generator.insert(NoticePreference, rows, "notice_channels")
    return len(rows)

"""Notices to branches about members reaching six months in a row of unpaid dues (党章第九条)."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from dangjian.core.notifications import notify
from dangjian.dues.ledger import LEAVING_STREAK, leaving
from dangjian.members.models import PartyMember

NOTICE_KIND = "dues_six_months"


def notify_six_month_arrears(today: datetime.date | None = None) -> int:
    """Tell each member's organization once per run of unpaid months; returns notices written.

    The key names the member and their last paid month, so a second run writes nothing and a
    member who pays and later stops again brings a new notice.
    """
    from django.conf import settings

    written = 0
    members = (
        leaving(PartyMember.objects.all(), today)
        .select_related("person", "org")
        .annotate(last_paid=Max("dues_payments__month"))
        .order_by("id")
    )
    with translation.override(settings.LANGUAGE_CODE):
        for member in members.iterator(chunk_size=1000):
            last_paid = f"{member.last_paid:%Y-%m}" if member.last_paid else "none"
            notice = notify(
                kind=NOTICE_KIND,
                org=member.org,
                title=gettext("%(name)s has not paid party dues for %(months)s months in a row")
                % {"name": member.person.name, "months": LEAVING_STREAK},
                body=gettext(
                    "%(name)s of %(org)s has not paid party dues for %(months)s months in a row and has no "
                    "approved reduction or waiver. Under Article 9 of the Party Constitution, a member who "
                    "without good reason fails to pay dues for six months in a row is regarded as having left "
                    "the Party. Please talk with the member soon to learn their situation, and handle it as "
                    "the rules require."
                )
                % {"name": member.person.name, "org": member.org.name, "months": LEAVING_STREAK},
                link=reverse("dues:arrears_list") + f"?six=1&org={member.org_id}",
                # The arrears list asks for it; a plain 党员 of the branch must not read of another's arrears.
                permission="dues.view_duespayment",
                obj=member,
                dedupe_key=f"dues-six-months:{member.pk}:{last_paid}",
            )
            written += notice is not None
    return written

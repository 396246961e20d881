"""The "party dues" section of a member's history page: the latest months and the arrears."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import scope_of
from dangjian.dues.ledger import LEAVING_STREAK, add_months, arrears_window, ledgers
from dangjian.members.history import HistorySection, register_history_section

LATEST_MONTHS = 12


def dues_history(member, user) -> HistorySection | None:
    """The member's last twelve months and unpaid months (three queries); None without the right."""
    if not scope_of(user).has_perm("dues.view_duespayment", org_path=member.org.path):
        return None
    first, last = arrears_window()
    book = ledgers([member], first=first, last=add_months(last, 1))[member.pk]
    months = [add_months(last, 1 - offset) for offset in range(LATEST_MONTHS)]
    rows = [{"month": month, "due": book.due(month), "payment": book.payments.get(month)} for month in months]
    unpaid = book.unpaid_months(last)
    return HistorySection(
        template="dues/member_history.html",
        context={
            "dues_rows": rows,
            "dues_unpaid": unpaid,
            "dues_streak": book.unpaid_streak(last),
            "leaving_streak": LEAVING_STREAK,
        },
        more_url=reverse("dues:sheet", kwargs={"org_pk": member.org_id}),
    )


def register() -> None:
    register_history_section("dues", _("Party dues"), dues_history, order=40)

"""The 工作台 card "我的" (registry ``dashboard_cards``): this month's dues and today's meetings,
for a user linked to a party member or an applicant; hidden for everyone else."""

from __future__ import annotations

from dangjian.mine.selectors import load_me, my_dues, upcoming_meetings


def mine_card(user) -> dict | None:
    """The card's context, or None for a user 我的 does not open for. Six queries at most."""
    me = load_me(user)
    if me is None:
        return None
    context: dict = {"me": me, "current": None, "today_meetings": []}
    if me.member is not None:
        context["current"] = my_dues(me.member).current
        context["today_meetings"] = [row for row in upcoming_meetings(me.member) if row.is_today]
    return context

"""Background task of 帮扶对子: the daily reminder to helpers whose visit is overdue."""

from __future__ import annotations

import datetime
import logging
from datetime import timedelta

from django_tasks import task

from dangjian.core.scheduler import periodic

logger = logging.getLogger(__name__)

NOTIFY_OVERDUE = "help_pairs.overdue"
BATCH = 1000


def remind_overdue_visits_now(today: datetime.date | None = None) -> int:
    """Notify the helper of every active pair whose visit is overdue (last visit + interval < today);
    returns the notifications written.

    The dedupe key names the pair and the day its visit fell due, so a pair is reminded once per
    overdue period: running again (the next day, or twice the same day) writes nothing until a
    visit is logged and the next one falls overdue in its turn. Helpers without an account get
    nothing here; the staff see them on the 工作台's to-do list of overdue pairs.
    """
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext, override

    from dangjian.accounts.models import User
    from dangjian.core.notifications import notify
    from dangjian.help_pairs.models import HelpPair

    today = today or timezone.localdate()
    written = 0
    overdue = HelpPair.objects.overdue(today).select_related("family_head", "area").order_by("pk")
    last_pk = 0
    with override("zh-hans"):
        while True:
            pairs = list(overdue.filter(pk__gt=last_pk)[:BATCH])
            if not pairs:
                break
            last_pk = pairs[-1].pk
            accounts: dict[int, list] = {}
            for user in User.objects.filter(person_id__in={pair.helper_id for pair in pairs}, is_active=True):
                accounts.setdefault(user.person_id, []).append(user)
            for pair in pairs:
                for user in accounts.get(pair.helper_id, []):
                    note = notify(
                        kind=NOTIFY_OVERDUE,
                        title=gettext("Help pair visit overdue: %(target)s") % {"target": pair.target_name},
                        body=gettext(
                            "Your visit to %(target)s was due on %(date)s (every %(days)s days). "
                            "Please visit and log it."
                        )
                        % {
                            "target": pair.target_name,
                            "date": date_format(pair.next_visit_due, "DATE_FORMAT"),
                            "days": pair.visit_interval_days,
                        },
                        link=reverse("help_pairs:visit_create", args=[pair.pk]),
                        # No ``obj``: the helper opens the page by identity, not through a view right.
                        user=user,
                        dedupe_key=f"help-pairs-overdue:{pair.pk}:{user.pk}:{pair.next_visit_due.isoformat()}",
                    )
                    written += note is not None
    return written


@periodic(every=timedelta(days=1))
@task()
def remind_overdue_visits() -> int:
    """Once a day, remind helpers of overdue visits (idempotent)."""
    count = remind_overdue_visits_now()
    if count:
        logger.info("Reminded helpers of %s overdue help-pair visits.", count)
    return count

"""静默支部 (silent branches): branches with no recorded organizational life for 30 days.

"Activity" is what this app records: a meeting of the branch or of its party groups that was
held (attendance recorded or checked in) or closed. Activity in other apps (dues, 双报到
service) is not counted: those apps do not expose a common activity record yet, so a branch
that only collects dues is still "silent" here. A branch established less than 30 days ago is
not flagged. Both the page and the daily task use ``silent_branches`` (two queries per subtree).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from dangjian.life.choices import MeetingState
from dangjian.life.models import Meeting
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

SILENT_AFTER = datetime.timedelta(days=30)
# How far back the page looks for a "last activity" date to show (older counts as none).
LOOK_BACK = datetime.timedelta(days=730)


@dataclass
class SilentBranch:
    org_id: int
    name: str
    path: str
    last_activity: datetime.datetime | None


def silent_branches(roots: list[Organization], *, now: datetime.datetime | None = None) -> list[SilentBranch]:
    """Active branches below ``roots`` without a held or closed meeting in the last 30 days,
    longest silent first."""
    now = now or timezone.now()
    result: list[SilentBranch] = []
    today = timezone.localdate(now)
    for root in roots:
        branches = list(
            Organization.objects.filter(path__startswith=root.path, kind__in=BRANCH_KINDS, is_active=True)
            .order_by("path")
            .values_list("id", "name", "path", "established_on")
        )
        if not branches:
            continue
        activity = (
            Meeting.objects.filter(
                org__path__startswith=root.path,
                state__in=[MeetingState.HELD, MeetingState.CLOSED],
                starts_at__gte=now - LOOK_BACK,
                starts_at__lte=now,
            )
            .values("org__path")
            .annotate(last_start=Max("starts_at"), last_close=Max("closed_at"))
            .order_by()
        )
        last_by_path = {
            row["org__path"]: max(filter(None, [row["last_start"], row["last_close"]])) for row in activity
        }
        # A party group's meetings are its branch's activity: attribute each path to its branch.
        last_by_branch: dict[str, datetime.datetime] = {}
        branch_paths = {path for _id, _name, path, _established in branches}
        for path, last in last_by_path.items():
            for length in range(len(path), 0, -1):
                if path[:length] in branch_paths:
                    key = path[:length]
                    last_by_branch[key] = max(last, last_by_branch.get(key, last))
                    break
        for org_id, name, path, established_on in branches:
            if established_on and (today - established_on) < SILENT_AFTER:
                continue
            last = last_by_branch.get(path)
            if last is None or now - last > SILENT_AFTER:
                result.append(SilentBranch(org_id=org_id, name=name, path=path, last_activity=last))
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    result.sort(key=lambda branch: (branch.last_activity or epoch, branch.path))
    return result

"""States of a deliberation topic (议题) and its follow-up tasks, who raised it, and the five
parties of 五方联系议事."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TopicState(models.TextChoices):
    """raised → accepted (or declined) → in discussion → decided → follow-up → closed."""

    RAISED = "raised", pgettext_lazy("deliberation topic state", "Raised")
    ACCEPTED = "accepted", pgettext_lazy("deliberation topic state", "Accepted")
    DECLINED = "declined", pgettext_lazy("deliberation topic state", "Declined")
    DISCUSSING = "discussing", pgettext_lazy("deliberation topic state", "In discussion")
    DECIDED = "decided", pgettext_lazy("deliberation topic state", "Decided")
    FOLLOW_UP = "follow_up", pgettext_lazy("deliberation topic state", "Follow-up")
    CLOSED = "closed", pgettext_lazy("deliberation topic state", "Closed")


# Topics the portal shows: decided ones, with their decision and the tasks' progress.
PUBLIC_STATES = (TopicState.DECIDED, TopicState.FOLLOW_UP, TopicState.CLOSED)
# Topics whose discussion takes comments.
OPEN_STATES = (TopicState.ACCEPTED, TopicState.DISCUSSING)


class RaisedBy(models.TextChoices):
    RESIDENT = "resident", _("A resident (portal)")
    MEMBER = "member", _("A party member")
    UNIT = "unit", _("A unit (recorded by staff)")


class PartyKind(models.TextChoices):
    """The five parties of 五方联系议事."""

    PARTY_ORG = "party_org", "社区党组织"
    RESIDENTS_COMMITTEE = "residents_committee", "居委会"
    OWNERS_COMMITTEE = "owners_committee", "业委会"
    PROPERTY = "property", "物业"
    UNIT = "unit", "驻区单位/两代表一委员"


class TaskState(models.TextChoices):
    OPEN = "open", pgettext_lazy("deliberation task state", "Not started")
    IN_PROGRESS = "in_progress", pgettext_lazy("deliberation task state", "In progress")
    DONE = "done", pgettext_lazy("deliberation task state", "Done")
    CANCELLED = "cancelled", pgettext_lazy("deliberation task state", "Cancelled")


ACTIVE_TASK_STATES = (TaskState.OPEN, TaskState.IN_PROGRESS)

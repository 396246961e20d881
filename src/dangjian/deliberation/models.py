"""Deliberation (议事, e.g. 五方联系议事 / 党群议事): a topic raised by a resident, a member or a
unit, the parties invited, the online discussion, the deliberation meeting with its attendance and
decision, and the follow-up tasks (落实任务) whose progress the portal publishes.

Every record is scoped through its topic's organization (and area, when the topic names one).
Invitees and, for topics open to members, the members of the organization's subtree reach a topic
without a role (``TopicQuerySet.visible_outside_scope``) to read and discuss it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.core.search import search_tokens
from dangjian.core.tree import PATH_STEP
from dangjian.deliberation.choices import ACTIVE_TASK_STATES, PartyKind, RaisedBy, TaskState, TopicState

VIEW = "deliberation.view_topic"


def _topic_q(scope: Scope, prefix: str) -> Q:
    return scope.q(ORG, f"{prefix}org__path") | scope.q(AREA, f"{prefix}area__path")


def member_org_paths(user) -> list[str]:
    """The organization paths above and at the user's own party membership (none without one)."""
    person_id = getattr(user, "person_id", None)
    if not person_id or not getattr(user, "is_active", False):
        return []
    memo = user.__dict__.setdefault("_deliberation_member_paths", {})
    if "paths" not in memo:
        from dangjian.members.models import PartyMember

        paths: set[str] = set()
        for path in PartyMember.objects.filter(person_id=person_id, is_active=True).values_list(
            "org__path", flat=True
        ):
            paths.update(path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP))
        memo["paths"] = sorted(paths)
    return memo["paths"]


def taking_part_q(user, prefix: str = "") -> Q | None:
    """Topics the user reaches without a role: invited to them, or a member below an open topic's org."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    query = Q(**{f"{prefix}invitations__user": user}) | Q(**{f"{prefix}tasks__owner_user": user})
    paths = member_org_paths(user)
    if paths:
        query |= Q(**{f"{prefix}open_to_members": True, f"{prefix}org__path__in": paths})
    return query


class TopicQuerySet(ScopedQuerySet):
    def visible_outside_scope(self, user, permission: str) -> Q | None:
        if permission != VIEW:
            return None
        query = taking_part_q(user)
        if query is None:
            return None
        return Q(pk__in=Topic.objects.filter(query).values("pk"))


class Topic(models.Model):
    """A 议题: what is to be deliberated, who raised it, and where it stands."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    raised_by_kind = models.CharField(_("raised by"), max_length=16, choices=RaisedBy.choices)
    # A resident's name and phone (proved by a code): the phone encrypted, and its keyed hash for
    # the privacy app; never shown on the portal. A unit's name when staff record it for a unit.
    raiser_name = models.CharField(_("raised by (name)"), max_length=100, blank=True, default="")
    raiser_phone = models.TextField(_("phone (encrypted)"), blank=True, default="", editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by (account)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=TopicState.choices, default=TopicState.RAISED)
    decline_reason = models.TextField(_("reason for declining"), blank=True, default="")
    open_to_members = models.BooleanField(
        _("open to members"),
        default=False,
        help_text=_("Party members of the organization may read and join the discussion."),
    )
    is_public = models.BooleanField(
        _("published on the portal"),
        default=True,
        help_text=_("Once decided, the decision and the tasks' progress are shown on the portal."),
    )
    decision = models.TextField(_("decision"), blank=True, default="")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    search_tokens = models.TextField(blank=True, default="", editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliberation topic")
        verbose_name_plural = _("deliberation topics")
        ordering = ["-created_at", "-id"]
        permissions = [("raise_topic", _("Can raise a deliberation topic as a party member"))]
        indexes = [
            models.Index(fields=["org", "state"], name="deliberation_topic_org_idx"),
            models.Index(fields=["state", "decided_on"], name="deliberation_topic_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.search_tokens = search_tokens(self.title, self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_tokens"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _topic_q(scope, "")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, self.area.path if self.area_id else "")

    @property
    def is_published(self) -> bool:
        return self.is_public and self.state in (TopicState.DECIDED, TopicState.FOLLOW_UP, TopicState.CLOSED)


class TopicChild(models.Model):
    """Rows read under their topic's scope."""

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _topic_q(scope, "topic__")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.topic.audit_scope_paths()


class Invitation(TopicChild):
    """A party invited to deliberate: its kind among the five, the unit, and optionally an account
    (staff or member) that takes part online."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="invitations"
    )
    party_kind = models.CharField(_("party"), max_length=24, choices=PartyKind.choices)
    unit_name = models.CharField(_("unit"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account taking part online"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation to deliberate")
        verbose_name_plural = _("invitations to deliberate")
        ordering = ["topic_id", "party_kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "party_kind", "unit_name"], name="deliberation_invitation_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_party_kind_display()} · {self.unit_name}"


class Comment(TopicChild):
    """A word in the online discussion; staff may hide it with a reason (it stays on record)."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Who spoke, as shown: the party and unit of the author's invitation, else "staff" or "member".
    speaking_for = models.CharField(_("speaking for"), max_length=150, blank=True, default="")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True, default="")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deliberation comment")
        verbose_name_plural = _("deliberation comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["topic", "created_at"], name="deliberation_comment_idx")]

    def __str__(self) -> str:
        return self.text[:30]


class Meeting(TopicChild):
    """A deliberation meeting (议事会): when and where, its minutes; attendance by invited party.

    Not a ``life`` meeting: those are the 三会一课 of one party organization with attendance of its
    members; here most parties are outside the party (docs/deliberation.md)."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    minutes = models.TextField(_("minutes"), blank=True, default="")
    decision = models.TextField(_("decision"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("deliberation meeting")
        verbose_name_plural = _("deliberation meetings")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.topic} · {self.held_at:%Y-%m-%d}"


class Attendance(models.Model):
    """Whether an invited party attended the meeting, and who came for it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    party_kind = models.CharField(_("party"), max_length=24, choices=PartyKind.choices)
    unit_name = models.CharField(_("unit"), max_length=100)
    present = models.BooleanField(_("present"), default=True)
    attendees = models.CharField(_("who came"), max_length=200, blank=True, default="")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("deliberation attendance")
        verbose_name_plural = _("deliberation attendance")
        ordering = ["meeting_id", "party_kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_party_kind_display()} · {self.unit_name}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _topic_q(scope, "meeting__topic__")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.meeting.topic.audit_scope_paths()


class Task(TopicChild):
    """A follow-up task (落实任务): its owner, deadline and progress, public with the decision."""

    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner_party = models.CharField(_("owner's party"), max_length=24, choices=PartyKind.choices)
    owner_unit = models.CharField(_("owner (unit)"), max_length=100)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner's account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    state = models.CharField(_("state"), max_length=16, choices=TaskState.choices, default=TaskState.OPEN)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="deliberation_task_progress_range"),
        ]
        indexes = [
            models.Index(fields=["topic", "state"], name="deliberation_task_topic_idx"),
            models.Index(fields=["owner_user", "state"], name="deliberation_task_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state in ACTIVE_TASK_STATES and self.deadline < timezone.localdate()

    @property
    def on_time(self) -> bool:
        return self.state == TaskState.DONE and self.done_on is not None and self.done_on <= self.deadline


class TaskUpdate(models.Model):
    """One progress report on a task: the percentage reached and what was done."""

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    text = models.TextField(_("what was done"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("task progress update")
        verbose_name_plural = _("task progress updates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task} · {self.progress}%"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _topic_q(scope, "task__topic__")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.task.topic.audit_scope_paths()

"""State changes of deliberation: raising a topic (a resident on the portal, a member, staff for a
unit), accepting or declining it, inviting the parties, the online discussion and its moderation,
the meeting with its attendance and decision, follow-up tasks and their progress, closing.

Who may do what:

- staff with ``change_topic`` over the topic's organization run it (accept, decline, invite,
  record the meeting, set tasks, report any task's progress, close) and take part in the
  discussion; ``change_comment`` hides a comment;
- staff with ``add_topic`` record a topic for a unit; a member holding ``raise_topic`` raises one
  in an organization of their own membership's line;
- an invitee with an account, and for a topic open to members the members below its
  organization, comment while it is discussed; a task's owner account reports its progress.

Each function checks the right and the state, writes the change and its audit line in one
transaction, the topic or task row locked; a task's progress carries its ``version``.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.accounts.models import User
from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.personal import MOBILE, encrypt, normalize
from dangjian.core.redaction import redact
from dangjian.core.scoping import check_perm, has_perm_over
from dangjian.deliberation.choices import (
    ACTIVE_TASK_STATES,
    OPEN_STATES,
    PartyKind,
    RaisedBy,
    TaskState,
    TopicState,
)
from dangjian.deliberation.models import (
    Attendance,
    Comment,
    Invitation,
    Meeting,
    Task,
    TaskUpdate,
    Topic,
    member_org_paths,
)
from dangjian.deliberation.roles import RAISE
from dangjian.orgs.models import Area, Organization

ADD = "deliberation.add_topic"
RUN = "deliberation.change_topic"
MODERATE = "deliberation.change_comment"
NOTICE = "deliberation"
MAX_TEXT = 2000


def _text(value: str | None) -> str:
    return (value or "").strip()


def _user(by) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


def _topic_url(topic: Topic) -> str:
    return reverse("deliberation:topic_detail", kwargs={"pk": topic.pk})


def _locked(topic: Topic) -> Topic:
    return Topic.objects.select_for_update(of=("self",)).select_related("org", "area").get(pk=topic.pk)


def _refuse_state(topic: Topic, *allowed: str) -> None:
    if topic.state not in allowed:
        raise RuleViolation(
            gettext("This topic is “%(state)s”; that cannot be done now.")
            % {"state": topic.get_state_display()},
            rule="topic_state",
        )


def _required(value: str, message: str, field: str) -> str:
    value = _text(value)
    if not value:
        raise RuleViolation(message, rule="required", field=field)
    return value


def _notify_office(topic: Topic, title: str, *, key: str) -> None:
    notifications.notify(
        kind=NOTICE,
        org=topic.org,
        title=title,
        link=_topic_url(topic),
        permission=RUN,
        obj=topic,
        dedupe_key=key,
    )


def _notify_user(user: User | None, topic: Topic, title: str, body: str = "", *, key: str) -> None:
    if user is None or not user.is_active:
        return
    notifications.notify(
        kind=NOTICE, user=user, title=title, body=body, link=_topic_url(topic), obj=topic, dedupe_key=key
    )


def may_run(user, topic: Topic) -> bool:
    return has_perm_over(user, RUN, topic)


def invitation_of(user, topic: Topic) -> Invitation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return topic.invitations.filter(user=user).first()


def may_comment(user, topic: Topic) -> bool:
    """Staff running it, an invitee's account, or a member below an open topic's organization."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if may_run(user, topic) or invitation_of(user, topic) is not None:
        return True
    return topic.open_to_members and topic.org.path in member_org_paths(user)


def may_report(user, task: Task) -> bool:
    return getattr(user, "is_authenticated", False) and (
        task.owner_user_id == user.pk or may_run(user, task.topic)
    )


# --- raising --------------------------------------------------------------------------------------


def _new_topic(org: Organization, *, area: Area | None, title: str, description: str, **fields) -> Topic:
    title = _required(title, gettext("Please give the topic a title."), "title")[:100]
    description = redact(_required(description, gettext("Please describe the topic."), "description"))
    return Topic.objects.create(org=org, area=area, title=title, description=description[:MAX_TEXT], **fields)


def raise_by_resident(
    org: Organization, *, name: str, phone: str, phone_hash: str, title: str, description: str, area=None
) -> Topic:
    """A resident raises a topic on the portal; the caller has proved the phone with a code."""
    name = _required(name, gettext("Please give your name (it is not published)."), "name")[:100]
    with transaction.atomic():
        topic = _new_topic(
            org,
            area=area,
            title=title,
            description=description,
            raised_by_kind=RaisedBy.RESIDENT,
            raiser_name=name,
            raiser_phone=encrypt(normalize(MOBILE, phone)),
            phone_hash=phone_hash,
        )
        audit.record(AuditAction.CREATE, topic, username="portal", changes={"state": [None, topic.state]})
        _notify_office(
            topic,
            gettext("A resident raised a topic: %(title)s") % {"title": topic.title},
            key=f"delib-raised-{topic.pk}",
        )
    return topic


def raise_topic(
    org: Organization,
    *,
    by,
    title: str,
    description: str,
    raised_by_kind: str,
    unit_name: str = "",
    area: Area | None = None,
    open_to_members: bool = False,
    is_public: bool = True,
) -> Topic:
    """Staff record a topic for a unit (``add_topic``), or a member raises one (``raise_topic``)."""
    if raised_by_kind == RaisedBy.UNIT:
        check_perm(by, ADD, org)
        unit_name = _required(unit_name, gettext("Please name the unit raising the topic."), "unit_name")
        name = unit_name
    elif raised_by_kind == RaisedBy.MEMBER:
        if org.path not in member_org_paths(by) or not _raises_anywhere(by):
            raise PermissionDenied(
                gettext("A member raises a topic in an organization of their own membership."),
                rule="member_org",
            )
        name = getattr(getattr(by, "person", None), "name", "") or by.get_username()
    else:
        raise RuleViolation(gettext("Residents raise topics on the portal."), rule="raised_by")
    with transaction.atomic():
        topic = _new_topic(
            org,
            area=area,
            title=title,
            description=description,
            raised_by_kind=raised_by_kind,
            raiser_name=name[:100],
            raised_by=_user(by),
            open_to_members=open_to_members,
            is_public=is_public,
        )
        audit.record(AuditAction.CREATE, topic, by=by, changes={"state": [None, topic.state]})
        _notify_office(
            topic,
            gettext("A topic was raised: %(title)s") % {"title": topic.title},
            key=f"delib-raised-{topic.pk}",
        )
    return topic


def _raises_anywhere(user) -> bool:
    from dangjian.core.scoping import scope_of

    return scope_of(user).has_any(RAISE)


# --- accepting ------------------------------------------------------------------------------------


def accept_topic(topic: Topic, *, by) -> Topic:
    with transaction.atomic():
        topic = _locked(topic)
        check_perm(by, RUN, topic)
        _refuse_state(topic, TopicState.RAISED)
        topic.state = TopicState.ACCEPTED
        topic.version += 1
        topic.save(update_fields=["state", "version"])
        audit.record(
            AuditAction.UPDATE, topic, by=by, changes={"state": [TopicState.RAISED, TopicState.ACCEPTED]}
        )
    return topic


def decline_topic(topic: Topic, *, by, reason: str) -> Topic:
    reason = _required(reason, gettext("Say why the topic is declined."), "reason")
    with transaction.atomic():
        topic = _locked(topic)
        check_perm(by, RUN, topic)
        _refuse_state(topic, TopicState.RAISED, TopicState.ACCEPTED)
        before = topic.state
        topic.state = TopicState.DECLINED
        topic.decline_reason = reason[:500]
        topic.version += 1
        topic.save(update_fields=["state", "decline_reason", "version"])
        audit.record(
            AuditAction.UPDATE, topic, by=by, changes={"state": [before, TopicState.DECLINED]}, note=reason
        )
        _notify_user(
            topic.raised_by,
            topic,
            gettext("Your topic “%(title)s” was declined") % {"title": topic.title},
            reason,
            key=f"delib-declined-{topic.pk}",
        )
    return topic


# --- invitations and discussion -------------------------------------------------------------------


def invite(topic: Topic, *, by, party_kind: str, unit_name: str, user: User | None = None) -> Invitation:
    """Invite a party; the discussion opens with the first invitation. The account gets a notice."""
    unit_name = _required(unit_name, gettext("Please name the invited unit."), "unit_name")[:100]
    if party_kind not in PartyKind.values:
        raise RuleViolation(gettext("Choose one of the five parties."), rule="party_kind", field="party_kind")
    with transaction.atomic():
        topic = _locked(topic)
        check_perm(by, RUN, topic)
        _refuse_state(topic, *OPEN_STATES)
        if topic.invitations.filter(party_kind=party_kind, unit_name=unit_name).exists():
            raise RuleViolation(
                gettext("This unit is already invited."), rule="invited_twice", field="unit_name"
            )
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    topic=topic, party_kind=party_kind, unit_name=unit_name, user=user, invited_by=_user(by)
                )
        except IntegrityError as error:
            raise RuleViolation(
                gettext("This unit is already invited."), rule="invited_twice", field="unit_name"
            ) from error
        changes = {"invitation": [None, str(invitation)]}
        if topic.state == TopicState.ACCEPTED:
            topic.state = TopicState.DISCUSSING
            topic.version += 1
            topic.save(update_fields=["state", "version"])
            changes["state"] = [TopicState.ACCEPTED, TopicState.DISCUSSING]
        audit.record(AuditAction.UPDATE, topic, by=by, changes=changes)
        _notify_user(
            user,
            topic,
            gettext("You are invited to deliberate on “%(title)s” for %(unit)s")
            % {"title": topic.title, "unit": unit_name},
            topic.description,
            key=f"delib-invited-{invitation.pk}",
        )
    return invitation


def _speaking_for(by, topic: Topic) -> str:
    invitation = invitation_of(by, topic)
    if invitation is not None:
        return f"{invitation.get_party_kind_display()} · {invitation.unit_name}"
    if may_run(by, topic):
        return topic.org.name
    return gettext("Party member")


def add_comment(topic: Topic, *, by, text: str) -> Comment:
    text = redact(_required(text, gettext("Please write your comment."), "text"))[:MAX_TEXT]
    with transaction.atomic():
        topic = _locked(topic)
        if not may_comment(by, topic):
            raise PermissionDenied(gettext("You are not taking part in this deliberation."), rule="not_party")
        _refuse_state(topic, *OPEN_STATES)
        comment = Comment.objects.create(
            topic=topic, author=_user(by), speaking_for=_speaking_for(by, topic)[:150], text=text
        )
        audit.record(
            AuditAction.CREATE, comment, by=by, object_repr=f"{topic.title} · {comment.speaking_for}"[:255]
        )
    return comment


def hide_comment(comment: Comment, *, by, reason: str) -> Comment:
    reason = _required(reason, gettext("Say why the comment is hidden."), "reason")
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("topic__org", "topic__area")
            .get(pk=comment.pk)
        )
        check_perm(by, MODERATE, comment)
        if comment.is_hidden:
            raise RuleViolation(gettext("This comment is already hidden."), rule="already_hidden")
        comment.is_hidden = True
        comment.hidden_reason = reason[:200]
        comment.hidden_by = _user(by)
        comment.hidden_at = timezone.now()
        comment.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
        audit.record(AuditAction.UPDATE, comment, by=by, changes={"is_hidden": [False, True]}, note=reason)
    return comment


# --- the meeting and its decision -----------------------------------------------------------------


def record_meeting(
    topic: Topic,
    *,
    by,
    held_at: datetime.datetime,
    place: str,
    decision: str,
    minutes: str = "",
    present: dict[int, str] | None = None,
) -> Meeting:
    """The deliberation meeting held, with the decision: attendance for every invited party
    (``present`` maps an invitation's id to who came for it; missing: absent)."""
    place = _required(place, gettext("Please give the place of the meeting."), "place")[:200]
    decision = _required(decision, gettext("Please record the decision."), "decision")[:MAX_TEXT]
    present = present or {}
    if held_at > timezone.now() + datetime.timedelta(hours=1):
        raise RuleViolation(
            gettext("A meeting is recorded once it has been held."), rule="future", field="held_at"
        )
    with transaction.atomic():
        topic = _locked(topic)
        check_perm(by, RUN, topic)
        _refuse_state(topic, TopicState.DISCUSSING)
        invitations = list(topic.invitations.all())
        if not any(invitation.pk in present for invitation in invitations):
            raise RuleViolation(
                gettext("Mark at least one invited party as present."), rule="attendance", field="present"
            )
        meeting = Meeting.objects.create(
            topic=topic,
            held_at=held_at,
            place=place,
            minutes=_text(minutes)[:MAX_TEXT],
            decision=decision,
            recorded_by=_user(by),
        )
        Attendance.objects.bulk_create(
            Attendance(
                meeting=meeting,
                party_kind=invitation.party_kind,
                unit_name=invitation.unit_name,
                present=invitation.pk in present,
                attendees=_text(present.get(invitation.pk, ""))[:200],
            )
            for invitation in invitations
        )
        topic.state = TopicState.DECIDED
        topic.decision = decision
        topic.decided_on = timezone.localtime(held_at).date()
        topic.version += 1
        topic.save(update_fields=["state", "decision", "decided_on", "version"])
        audit.record(
            AuditAction.UPDATE,
            topic,
            by=by,
            changes={"state": [TopicState.DISCUSSING, TopicState.DECIDED], "meeting": [None, meeting.pk]},
        )
    return meeting


# --- follow-up tasks ------------------------------------------------------------------------------


def add_task(
    topic: Topic,
    *,
    by,
    title: str,
    owner_party: str,
    owner_unit: str,
    deadline: datetime.date,
    owner_user: User | None = None,
) -> Task:
    title = _required(title, gettext("Please say what is to be done."), "title")[:200]
    owner_unit = _required(owner_unit, gettext("Please name the unit responsible."), "owner_unit")[:100]
    if owner_party not in PartyKind.values:
        raise RuleViolation(
            gettext("Choose one of the five parties."), rule="party_kind", field="owner_party"
        )
    with transaction.atomic():
        topic = _locked(topic)
        check_perm(by, RUN, topic)
        _refuse_state(topic, TopicState.DECIDED, TopicState.FOLLOW_UP)
        if topic.decided_on and deadline < topic.decided_on:
            raise RuleViolation(
                gettext("The deadline comes after the decision."), rule="deadline", field="deadline"
            )
        task = Task.objects.create(
            topic=topic,
            title=title,
            owner_party=owner_party,
            owner_unit=owner_unit,
            owner_user=owner_user,
            deadline=deadline,
        )
        changes = {"task": [None, task.title]}
        if topic.state == TopicState.DECIDED:
            topic.state = TopicState.FOLLOW_UP
            topic.version += 1
            topic.save(update_fields=["state", "version"])
            changes["state"] = [TopicState.DECIDED, TopicState.FOLLOW_UP]
        audit.record(AuditAction.UPDATE, topic, by=by, changes=changes)
        _notify_user(
            owner_user,
            topic,
            gettext("A follow-up task is yours: %(task)s (by %(deadline)s)")
            % {"task": task.title, "deadline": deadline.isoformat()},
            key=f"delib-task-{task.pk}",
        )
    return task


def report_progress(task: Task, *, by, progress: int, text: str, version: int | None = None) -> TaskUpdate:
    """The owner or staff report how far the task is; 100 % marks it done today."""
    text = redact(_required(text, gettext("Please say what was done."), "text"))[:MAX_TEXT]
    if not 0 <= progress <= 100:
        raise RuleViolation(
            gettext("Progress is a percentage from 0 to 100."), rule="progress", field="progress"
        )
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("topic__org", "topic__area")
            .get(pk=task.pk)
        )
        if not may_report(by, task):
            raise PermissionDenied(
                gettext("Only the task's owner or the organization reports progress."), rule="owner"
            )
        if version is not None and version != task.version:
            raise ConcurrentChange(
                gettext("Someone else reported progress on this task meanwhile; please look again."),
                rule="version",
            )
        if task.state not in ACTIVE_TASK_STATES:
            raise RuleViolation(gettext("This task is no longer open."), rule="task_state")
        if task.topic.state != TopicState.FOLLOW_UP:
            raise RuleViolation(gettext("The topic is closed."), rule="topic_state")
        update = TaskUpdate.objects.create(task=task, progress=progress, text=text, by=_user(by))
        before = (task.state, task.progress)
        task.progress = progress
        if progress == 100:
            task.state = TaskState.DONE
            task.done_on = timezone.localdate()
        else:
            task.state = TaskState.IN_PROGRESS
        task.version += 1
        task.save(update_fields=["progress", "state", "done_on", "version"])
        audit.record(
            AuditAction.UPDATE,
            task,
            by=by,
            changes={"progress": [before[1], progress], "state": [before[0], task.state]},
            note=text[:200],
        )
    return update


def close_topic(topic: Topic, *, by) -> Topic:
    """Close a topic whose tasks are all done (or that needed none)."""
    with transaction.atomic():
        topic = _locked(topic)
        check_perm(by, RUN, topic)
        _refuse_state(topic, TopicState.DECIDED, TopicState.FOLLOW_UP)
        if topic.tasks.filter(state__in=ACTIVE_TASK_STATES).exists():
            raise RuleViolation(gettext("Some follow-up tasks are not done yet."), rule="tasks_open")
        before = topic.state
        topic.state = TopicState.CLOSED
        topic.closed_on = timezone.localdate()
        topic.version += 1
        topic.save(update_fields=["state", "closed_on", "version"])
        audit.record(AuditAction.UPDATE, topic, by=by, changes={"state": [before, TopicState.CLOSED]})
    return topic


def masked_name(name: str) -> str:
    name = (name or "").strip()
    return name[0] + "*" * max(1, len(name) - 1) if name else ""

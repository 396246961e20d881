"""State changes of the two trees: create, edit, move (with the subtree), deactivate, reactivate.

Each function checks the permission over the node's place in the trees, applies the tree's
rules, writes the change and its audit line in one transaction, and raises RuleViolation
with a Chinese message instead of returning flags. Pages, the API and imports call these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.person_scope import refresh_scope_keys, refresh_scope_keys_under
from dangjian.core.registry import registry
from dangjian.core.scoping import AREA, ORG, check_perm
from dangjian.core.tree import TreeNode
from dangjian.orgs.choices import AREA_CHILD_KIND, BRANCH_KINDS, AreaKind, CommitteeRole, OrgKind
from dangjian.orgs.models import Area, Committee, CommitteeMember, Organization

EDITABLE_FIELDS = {
    Area: ["name", "code", "kind", "boundary", "address", "note"],
    Organization: [
        "name",
        "code",
        "kind",
        "field",
        "short_name",
        "jurisdiction",
        "unit_count",
        "demonstration_level",
        "star_rating",
        "established_on",
        "phone",
        "address",
        "note",
    ],
}


def _perm(model: type[TreeNode], action: str) -> str:
    return f"orgs.{action}_{model._meta.model_name}"


def check_parent_rules(model: type[TreeNode], kind: str, parent: TreeNode | None) -> None:
    """Refuse a node that does not fit under its parent (区 → 街道 → 社区 → 网格 → 楼栋)."""
    if model is Area:
        if parent is None:
            if kind != AreaKind.DISTRICT:
                raise RuleViolation(
                    gettext("Only a “district (county)” can be a top-level node of the grid system."),
                    rule="area_hierarchy",
                    field="kind",
                )
            return
        expected = AREA_CHILD_KIND.get(parent.kind)
        if expected is None:
            raise RuleViolation(
                gettext("“%(name)s” is a building; it cannot have areas below it.") % {"name": parent.name},
                rule="area_hierarchy",
                field="parent",
            )
        if kind != expected:
            raise RuleViolation(
                gettext("Below a “%(parent_kind)s” there can only be a “%(expected)s”, not a “%(kind)s”.")
                % {
                    "parent_kind": parent.get_kind_display(),
                    "expected": AreaKind(expected).label,
                    "kind": AreaKind(kind).label,
                },
                rule="area_hierarchy",
                field="kind",
            )
    else:
        if parent is not None and parent.kind == OrgKind.GROUP:
            raise RuleViolation(
                gettext("A party group cannot have organizations below it."),
                rule="org_hierarchy",
                field="parent",
            )
        if kind == OrgKind.GROUP and (
            parent is None or parent.kind not in BRANCH_KINDS | {OrgKind.GENERAL_BRANCH}
        ):
            raise RuleViolation(
                gettext("A party group can only be set up under a branch or a general branch."),
                rule="org_hierarchy",
                field="kind",
            )
        if parent is not None and parent.kind in BRANCH_KINDS and kind != OrgKind.GROUP:
            raise RuleViolation(
                gettext("Only party groups can be set up under a branch."), rule="org_hierarchy", field="kind"
            )
        if parent is not None and not parent.is_active:
            raise RuleViolation(
                gettext("The parent organization “%(name)s” is deactivated.") % {"name": parent.name},
                rule="inactive_parent",
                field="parent",
            )


def _check_code_free(model: type[TreeNode], code: str, exclude_pk: int | None = None) -> None:
    queryset = model.objects.filter(code=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise RuleViolation(
            gettext("The code “%(code)s” is already in use; choose another code.") % {"code": code},
            rule="unique_code",
            field="code",
        )


def _clean_fields(model: type[TreeNode], fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS[model])
    if unknown:
        raise RuleViolation(
            gettext("These fields cannot be changed: %(fields)s.")
            % {"fields": gettext(", ").join(sorted(unknown))},
            rule="fields",
        )
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise RuleViolation(gettext("The name cannot be empty."), rule="required", field="name")
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip()
        if not fields["code"]:
            raise RuleViolation(gettext("The code cannot be empty."), rule="required", field="code")
    return fields


def create_node(model: type[TreeNode], *, parent: TreeNode | None, by, **fields: Any) -> TreeNode:
    """Create an org or area under ``parent`` (a root needs a global role)."""
    fields = _clean_fields(model, dict(fields))
    with transaction.atomic():
        if parent is not None:
            parent = model.objects.select_for_update().get(pk=parent.pk)
            check_perm(by, _perm(model, "add"), parent)
        else:
            from dangjian.core.scoping import scope_of

            if not scope_of(by).is_global:
                from dangjian.core.errors import PermissionDenied

                raise PermissionDenied(
                    gettext("Only system administrators can create top-level nodes."), rule="scope"
                )
        check_parent_rules(model, fields.get("kind", ""), parent)
        _check_code_free(model, fields["code"])
        node = model(**fields)
        node.refresh_search_fields()
        try:
            node = (
                model.objects.add_child(parent, instance=node)
                if parent is not None
                else model.objects.add_root(instance=node)
            )
        except IntegrityError as exc:
            raise RuleViolation(
                gettext(
                    "Saving failed: the code or the position conflicts with an existing record; "
                    "refresh and try again."
                ),
                rule="integrity",
            ) from exc
        audit.record(AuditAction.CREATE, node, by=by, changes=audit.diff({}, audit.snapshot(node)))
    return node


def update_node(node: TreeNode, *, by, expected_version: int | None = None, **fields: Any) -> TreeNode:
    """Edit a node's fields; refuses if someone else saved it since ``expected_version``."""
    model = type(node)
    fields = _clean_fields(model, dict(fields))
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=node.pk)
        check_perm(by, _perm(model, "change"), current)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentChange(
                gettext(
                    "“%(name)s” has been changed by someone else (now version %(version)s); "
                    "refresh the page and edit again."
                )
                % {"name": current.name, "version": current.version},
                rule="concurrent_change",
            )
        before = audit.snapshot(current)
        before_jurisdiction = getattr(current, "jurisdiction_id", None)
        if "kind" in fields and fields["kind"] != current.kind:
            parent = model.objects.get_parent(current)
            check_parent_rules(model, fields["kind"], parent)
            if current.numchild:
                raise RuleViolation(
                    gettext("The kind of a node that has children cannot be changed."),
                    rule="kind_with_children",
                    field="kind",
                )
        if "code" in fields:
            _check_code_free(model, fields["code"], exclude_pk=current.pk)
        for name, value in fields.items():
            setattr(current, name, value)
        current.refresh_search_fields()
        current.version += 1
        current.save()
        if model is Organization and current.jurisdiction_id != before_jurisdiction:
            # A member is placed under the area their organization serves, too.
            refresh_scope_keys(current.members.values_list("person_id", flat=True))
        check_perm(by, _perm(model, "change"), current)  # still in the user's scope after the edit
        changes = audit.diff(before, audit.snapshot(current))
        if changes:
            audit.record(AuditAction.UPDATE, current, by=by, changes=changes)
    return current


def move_node(node: TreeNode, *, new_parent: TreeNode, by) -> TreeNode:
    """Move a node with its whole subtree under ``new_parent``; history stays with the nodes."""
    model = type(node)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=node.pk)
        target = model.objects.select_for_update().get(pk=new_parent.pk)
        check_perm(by, _perm(model, "change"), current)
        check_perm(by, _perm(model, "add"), target)
        if target.path.startswith(current.path):
            raise RuleViolation(
                gettext("A node cannot be moved under itself or one of its descendants."),
                rule="move_into_subtree",
                field="parent",
            )
        old_parent = model.objects.get_parent(current)
        if old_parent is not None and old_parent.pk == target.pk:
            return current
        check_parent_rules(model, current.kind, target)
        old_path = current.path
        model.objects.move(current, target, pos="sorted-child" if model.node_order_by else "last-child")
        # Everyone placed in the subtree carries its old path in their scope keys.
        refresh_scope_keys_under(ORG if model is Organization else AREA, old_path)
        current = model.objects.get(pk=current.pk)
        model.objects.filter(pk=current.pk).update(version=current.version + 1)
        current.version += 1
        audit.record(
            AuditAction.MOVE,
            current,
            by=by,
            changes={"parent": [str(old_parent) if old_parent else None, str(target)]},
        )
    return current


def deactivate_node(node: TreeNode, *, by, reason: str = "") -> TreeNode:
    """Deactivate a node (never delete it: it has history). Active children must go first."""
    model = type(node)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=node.pk)
        check_perm(by, _perm(model, "change"), current)
        if not current.is_active:
            return current
        active_children = model.objects.filter(
            path__startswith=current.path, depth=current.depth + 1, is_active=True
        )
        if active_children.exists():
            raise RuleViolation(
                gettext("“%(name)s” still has %(count)s active children; deactivate or move them first.")
                % {"name": current.name, "count": active_children.count()},
                rule="deactivate_with_children",
            )
        if model is Organization and current.members.filter(is_active=True).exists():
            raise RuleViolation(
                gettext("“%(name)s” still has party members; transfer their membership first.")
                % {"name": current.name},
                rule="deactivate_with_members",
            )
        current.is_active = False
        current.deactivated_at = timezone.now()
        current.version += 1
        current.save(update_fields=["is_active", "deactivated_at", "version", "updated_at"])
        audit.record(
            AuditAction.DEACTIVATE, current, by=by, changes={"is_active": [True, False]}, note=reason
        )
    return current


def reactivate_node(node: TreeNode, *, by) -> TreeNode:
    model = type(node)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=node.pk)
        check_perm(by, _perm(model, "change"), current)
        if current.is_active:
            return current
        parent = model.objects.get_parent(current)
        if parent is not None and not parent.is_active:
            raise RuleViolation(
                gettext("The parent “%(name)s” is deactivated; reactivate the parent first.")
                % {"name": parent.name},
                rule="inactive_parent",
            )
        current.is_active = True
        current.deactivated_at = None
        current.version += 1
        current.save(update_fields=["is_active", "deactivated_at", "version", "updated_at"])
        audit.record(AuditAction.REACTIVATE, current, by=by, changes={"is_active": [False, True]})
    return current


# --- Committees (支部委员会 / 党委) ------------------------------------------------------------


def elect_committee(
    org: Organization,
    *,
    by,
    elected_on: datetime.date,
    term_years: int | None = None,
    note: str = "",
) -> Committee:
    """Record a newly elected committee term; the previous current term stops being current."""
    with transaction.atomic():
        current_org = Organization.objects.select_for_update().get(pk=org.pk)
        check_perm(by, "orgs.add_committee", current_org)
        if not current_org.is_active:
            raise RuleViolation(
                gettext("“%(name)s” is deactivated; no committee can be recorded for it.")
                % {"name": current_org.name},
                rule="inactive_org",
            )
        if current_org.kind == OrgKind.GROUP:
            raise RuleViolation(
                gettext("A party group has a group leader, not a committee."), rule="group_without_committee"
            )
        if elected_on > timezone.localdate():
            raise RuleViolation(
                gettext("The election date %(date)s is later than today; enter the actual election date.")
                % {"date": date_format(elected_on)},
                rule="election_in_future",
                field="elected_on",
            )
        term_years = term_years or current_org.default_term_years
        if not 1 <= term_years <= 10:
            raise RuleViolation(
                gettext(
                    "A term of %(years)s years is not plausible; enter 1 to 10 years "
                    "(villages and communities usually 5, others usually 3)."
                )
                % {"years": term_years},
                rule="term_years",
                field="term_years",
            )
        previous = Committee.objects.select_for_update().filter(org=current_org, is_current=True).first()
        if previous is not None:
            if elected_on <= previous.elected_on:
                raise RuleViolation(
                    gettext("The election date must be later than the previous election date (%(date)s).")
                    % {"date": date_format(previous.elected_on)},
                    rule="election_order",
                    field="elected_on",
                )
            previous.is_current = False
            previous.save(update_fields=["is_current"])
            audit.record(
                AuditAction.UPDATE,
                previous,
                by=by,
                changes={"is_current": [True, False]},
                note=gettext("Re-election"),
            )
        committee = Committee.objects.create(
            org=current_org, elected_on=elected_on, term_years=term_years, note=note.strip()
        )
        audit.record(AuditAction.CREATE, committee, by=by, changes=audit.diff({}, audit.snapshot(committee)))
    return committee


def add_committee_seat(
    committee: Committee,
    *,
    by,
    person: Person,
    role: str,
    started_on: datetime.date | None = None,
) -> CommitteeMember:
    """Seat a 正式党员 of the organization's subtree on the current committee in ``role``."""
    with transaction.atomic():
        current = Committee.objects.select_for_update().select_related("org").get(pk=committee.pk)
        check_perm(by, "orgs.change_committee", current)
        if not current.is_current:
            raise RuleViolation(
                gettext(
                    "Members can only be added to the current committee; past committees cannot be changed."
                ),
                rule="committee_not_current",
            )
        if not Person.objects.visible_to(by).filter(pk=person.pk).exists():
            raise PermissionDenied(
                gettext("You do not have permission to view this person's information."),
                rule="scope",
                field="person",
            )
        membership = next(
            (
                found
                for source in registry["org_membership"].values()
                if (found := source.active_membership(person)) is not None
            ),
            None,
        )
        if membership is None or not membership[1]:
            raise RuleViolation(
                gettext(
                    "%(name)s is not a full party member and cannot serve on the committee "
                    "(《中国共产党支部工作条例（试行）》)."
                )
                % {"name": person.name},
                rule="seat_full_member",
                field="person",
            )
        member_org = membership[0]
        if not member_org.path.startswith(current.org.path):
            raise RuleViolation(
                gettext(
                    "The party membership of %(name)s is in “%(member_org)s”, not in “%(org)s”; "
                    "transfer the membership first."
                )
                % {"name": person.name, "member_org": member_org.name, "org": current.org.name},
                rule="seat_member_of_org",
                field="person",
            )
        if current.seats.filter(person=person).exists():
            raise RuleViolation(
                gettext("%(name)s already serves on the current committee.") % {"name": person.name},
                rule="seat_unique",
                field="person",
            )
        if role == CommitteeRole.SECRETARY:
            holder = current.seats.filter(ended_on__isnull=True, role=role).select_related("person").first()
            if holder is not None:
                raise RuleViolation(
                    gettext(
                        "The current committee already has a secretary, %(name)s; end that seat before adding another."
                    )
                    % {"name": holder.person.name},
                    rule="one_secretary",
                    field="role",
                )
        if started_on is not None and started_on < current.elected_on:
            raise RuleViolation(
                gettext("The start date cannot be before this committee's election date (%(date)s).")
                % {"date": date_format(current.elected_on)},
                rule="seat_start",
                field="started_on",
            )
        seat = CommitteeMember.objects.create(
            committee=current, person=person, role=role, started_on=started_on or current.elected_on
        )
        audit.record(AuditAction.CREATE, seat, by=by, changes=audit.diff({}, audit.snapshot(seat)))
    return seat


def set_committee_role(seat: CommitteeMember, *, role: str, by) -> CommitteeMember:
    """Give a seat of the current committee another role (the committee's division of work, or the
    书记/副书记 it elected once the superior approved them); audited."""
    with transaction.atomic():
        current = CommitteeMember.objects.select_for_update().select_related("committee__org").get(pk=seat.pk)
        check_perm(by, "orgs.change_committee", current.committee)
        if role not in CommitteeRole.values:
            raise RuleViolation(gettext("Unknown committee role."), rule="seat_role", field="role")
        if not current.committee.is_current or current.ended_on is not None:
            raise RuleViolation(
                gettext("Only an open seat of the current committee can change its role."),
                rule="seat_not_current",
            )
        before = current.role
        current.role = role
        current.save(update_fields=["role"])
        audit.record(AuditAction.UPDATE, current, by=by, changes={"role": [before, role]})
    return current


def end_committee_seat(
    seat: CommitteeMember, *, by, ended_on: datetime.date | None = None, reason: str = ""
) -> CommitteeMember:
    """End a committee member's seat (resignation, transfer, dismissal); the seat stays as history."""
    with transaction.atomic():
        current = (
            CommitteeMember.objects.select_for_update()
            .select_related("committee__org", "person")
            .get(pk=seat.pk)
        )
        check_perm(by, "orgs.change_committee", current)
        if current.ended_on is not None:
            raise RuleViolation(
                gettext("The seat of %(name)s already ended on %(date)s.")
                % {"name": current.person.name, "date": date_format(current.ended_on)},
                rule="seat_ended",
            )
        ended_on = ended_on or timezone.localdate()
        if ended_on > timezone.localdate():
            raise RuleViolation(
                gettext("The end date cannot be later than today."), rule="seat_end_future", field="ended_on"
            )
        if current.started_on is not None and ended_on < current.started_on:
            raise RuleViolation(
                gettext("The end date cannot be before the start date (%(date)s).")
                % {"date": date_format(current.started_on)},
                rule="seat_end_before_start",
                field="ended_on",
            )
        current.ended_on = ended_on
        current.save(update_fields=["ended_on"])
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"ended_on": [None, ended_on]}, note=reason.strip()
        )
    return current

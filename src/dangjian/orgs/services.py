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

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.models import Person
from dangjian.core.scoping import check_perm
from dangjian.core.tree import TreeNode
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember
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
_BRANCH_REGULATION = "《中国共产党支部工作条例（试行）》第九条"


def _perm(model: type[TreeNode], action: str) -> str:
    return f"orgs.{action}_{model._meta.model_name}"


def check_parent_rules(model: type[TreeNode], kind: str, parent: TreeNode | None) -> None:
    """Refuse a node that does not fit under its parent (区 → 街道 → 社区 → 网格 → 楼栋)."""
    if model is Area:
        if parent is None:
            if kind != AreaKind.DISTRICT:
                raise RuleViolation(
                    "只有“区（县）”可以作为网格体系的顶层节点。", rule="area_hierarchy", field="kind"
                )
            return
        expected = AREA_CHILD_KIND.get(parent.kind)
        if expected is None:
            raise RuleViolation(
                f"“{parent.name}”是楼栋，不能再设下级区域。", rule="area_hierarchy", field="parent"
            )
        if kind != expected:
            raise RuleViolation(
                f"“{parent.get_kind_display()}”的下级只能是“{AreaKind(expected).label}”，"
                f"不能是“{AreaKind(kind).label}”。",
                rule="area_hierarchy",
                field="kind",
            )
    else:
        if parent is not None and parent.kind == OrgKind.GROUP:
            raise RuleViolation("党小组下不能再设组织。", rule="org_hierarchy", field="parent")
        if kind == OrgKind.GROUP and (
            parent is None or parent.kind not in BRANCH_KINDS | {OrgKind.GENERAL_BRANCH}
        ):
            raise RuleViolation("党小组只能设在党支部或党总支之下。", rule="org_hierarchy", field="kind")
        if parent is not None and parent.kind in BRANCH_KINDS and kind != OrgKind.GROUP:
            raise RuleViolation("党支部之下只能设党小组。", rule="org_hierarchy", field="kind")
        if parent is not None and not parent.is_active:
            raise RuleViolation(f"上级组织“{parent.name}”已停用。", rule="inactive_parent", field="parent")


def _check_code_free(model: type[TreeNode], code: str, exclude_pk: int | None = None) -> None:
    queryset = model.objects.filter(code=code)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if queryset.exists():
        raise RuleViolation(f"编码“{code}”已被使用，请换一个编码。", rule="unique_code", field="code")


def _clean_fields(model: type[TreeNode], fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS[model])
    if unknown:
        raise RuleViolation(f"不能修改这些字段：{'、'.join(sorted(unknown))}。", rule="fields")
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise RuleViolation("名称不能为空。", rule="required", field="name")
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip()
        if not fields["code"]:
            raise RuleViolation("编码不能为空。", rule="required", field="code")
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

                raise PermissionDenied("只有系统管理员可以创建顶层节点。", rule="scope")
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
                "保存失败：编码或位置与已有记录冲突，请刷新后重试。", rule="integrity"
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
                f"“{current.name}”已被他人修改（当前版本 {current.version}），请刷新页面后重新编辑。",
                rule="concurrent_change",
            )
        before = audit.snapshot(current)
        if "kind" in fields and fields["kind"] != current.kind:
            parent = current.get_parent()
            check_parent_rules(model, fields["kind"], parent)
            if current.numchild:
                raise RuleViolation("已有下级的节点不能修改类型。", rule="kind_with_children", field="kind")
        if "code" in fields:
            _check_code_free(model, fields["code"], exclude_pk=current.pk)
        for name, value in fields.items():
            setattr(current, name, value)
        current.refresh_search_fields()
        current.version += 1
        current.save()
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
                "不能把节点移动到它自己或它的下级之下。", rule="move_into_subtree", field="parent"
            )
        old_parent = current.get_parent()
        if old_parent is not None and old_parent.pk == target.pk:
            return current
        check_parent_rules(model, current.kind, target)
        model.objects.move(current, target, pos="sorted-child" if model.node_order_by else "last-child")
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
                f"“{current.name}”还有 {active_children.count()} 个启用中的下级，请先停用或移走它们。",
                rule="deactivate_with_children",
            )
        if model is Organization and current.members.filter(is_active=True).exists():
            raise RuleViolation(
                f"“{current.name}”还有党员，请先办理组织关系转接。", rule="deactivate_with_members"
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
        parent = current.get_parent()
        if parent is not None and not parent.is_active:
            raise RuleViolation(f"上级“{parent.name}”已停用，请先启用上级。", rule="inactive_parent")
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
            raise RuleViolation(f"“{current_org.name}”已停用，不能登记委员会。", rule="inactive_org")
        if current_org.kind == OrgKind.GROUP:
            raise RuleViolation("党小组设组长，不设委员会。", rule="group_without_committee")
        if elected_on > timezone.localdate():
            raise RuleViolation(
                f"选举日期 {elected_on:%Y年%m月%d日} 晚于今天，请填写实际选举日期。",
                rule="election_in_future",
                field="elected_on",
            )
        term_years = term_years or current_org.default_term_years
        if not 1 <= term_years <= 10:
            raise RuleViolation(
                f"任期 {term_years} 年不合理，请填写 1 至 10 年（村、社区一般 5 年，其他一般 3 年）。",
                rule="term_years",
                field="term_years",
            )
        previous = Committee.objects.select_for_update().filter(org=current_org, is_current=True).first()
        if previous is not None:
            if elected_on <= previous.elected_on:
                raise RuleViolation(
                    f"选举日期须晚于上一届的选举日期（{previous.elected_on:%Y年%m月%d日}）。",
                    rule="election_order",
                    field="elected_on",
                )
            previous.is_current = False
            previous.save(update_fields=["is_current"])
            audit.record(
                AuditAction.UPDATE, previous, by=by, changes={"is_current": [True, False]}, note="换届"
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
                "只能为本届委员会增补委员，往届委员会不能修改。", rule="committee_not_current"
            )
        if not Person.objects.visible_to(by).filter(pk=person.pk).exists():
            raise PermissionDenied("您没有查看此人信息的权限。", rule="scope", field="person")
        membership = PartyMember.objects.filter(person=person, is_active=True).select_related("org").first()
        if membership is None or membership.status != MemberStatus.FULL:
            raise RuleViolation(
                f"{person.name}不是正式党员，不能担任委员（{_BRANCH_REGULATION}）。",
                rule="seat_full_member",
                field="person",
            )
        if not membership.org.path.startswith(current.org.path):
            raise RuleViolation(
                f"{person.name}的组织关系在“{membership.org.name}”，不在“{current.org.name}”，"
                "请先办理组织关系转接。",
                rule="seat_member_of_org",
                field="person",
            )
        if current.seats.filter(person=person).exists():
            raise RuleViolation(f"{person.name}已在本届委员会中任职。", rule="seat_unique", field="person")
        if role == CommitteeRole.SECRETARY:
            holder = current.seats.filter(ended_on__isnull=True, role=role).select_related("person").first()
            if holder is not None:
                raise RuleViolation(
                    f"本届委员会已有书记{holder.person.name}，请先结束其任职再增补。",
                    rule="one_secretary",
                    field="role",
                )
        if started_on is not None and started_on < current.elected_on:
            raise RuleViolation(
                f"任职日期不能早于本届选举日期（{current.elected_on:%Y年%m月%d日}）。",
                rule="seat_start",
                field="started_on",
            )
        seat = CommitteeMember.objects.create(
            committee=current, person=person, role=role, started_on=started_on or current.elected_on
        )
        audit.record(AuditAction.CREATE, seat, by=by, changes=audit.diff({}, audit.snapshot(seat)))
    return seat


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
                f"{current.person.name}的任职已于 {current.ended_on:%Y年%m月%d日} 结束。", rule="seat_ended"
            )
        ended_on = ended_on or timezone.localdate()
        if ended_on > timezone.localdate():
            raise RuleViolation("结束日期不能晚于今天。", rule="seat_end_future", field="ended_on")
        if current.started_on is not None and ended_on < current.started_on:
            raise RuleViolation(
                f"结束日期不能早于任职日期（{current.started_on:%Y年%m月%d日}）。",
                rule="seat_end_before_start",
                field="ended_on",
            )
        current.ended_on = ended_on
        current.save(update_fields=["ended_on"])
        audit.record(
            AuditAction.UPDATE, current, by=by, changes={"ended_on": [None, ended_on]}, note=reason.strip()
        )
    return current

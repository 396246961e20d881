"""Permission table of the development pages: secretary_a of 社区A works on 社区A's applicants;
社区B's are out of scope (404); the grid worker has no development rights."""

from __future__ import annotations

import datetime
import json

from django.utils import timezone

from dangjian.members.models import Resident
from tests.development.data import applicant_in
from tests.factories import PersonFactory
from tests.permissions import Route

IN_A = lambda world: {"pk": applicant_in(world.branch_a1).pk}  # noqa: E731
IN_B = lambda world: {"pk": applicant_in(world.branch_b1).pk}  # noqa: E731
TALK_A = lambda world: {"pk": applicant_in(world.branch_a1).pk, "code": "application_talk"}  # noqa: E731
TALK_B = lambda world: {"pk": applicant_in(world.branch_b1).pk, "code": "application_talk"}  # noqa: E731


def _today() -> str:
    return timezone.localdate().isoformat()


def _apply_data(world) -> dict:
    person = PersonFactory(name="吴申请", birth_date=datetime.date(1990, 1, 1))
    Resident.objects.create(person=person, area=world.grid_a1)
    return {"person": person.pk, "org": world.branch_a1.pk, "date": _today(), "source": "members"}


ROUTES: list[Route] = [
    # Lists and the board are scoped rather than refused: their scoping is tested in test_pages.py.
    Route("development:board", denied_persona="grid_worker_a"),
    Route("development:applicant_list", denied_persona="grid_worker_a"),
    Route("development:applicant_create", denied_persona="grid_worker_a"),
    Route(
        "development:applicant_create",
        method="post",
        data=_apply_data,
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("development:applicant_detail", in_scope=IN_A, out_of_scope=IN_B, denied_persona="grid_worker_a"),
    Route(
        "development:applicant_record_step",
        in_scope=TALK_A,
        out_of_scope=TALK_B,
        denied_persona="grid_worker_a",
    ),
    Route(
        "development:applicant_record_step",
        method="post",
        in_scope=TALK_A,
        out_of_scope=TALK_B,
        data=lambda world: {"date": _today(), "materials": ["谈话记录"]},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
    Route("development:applicant_withdraw", in_scope=IN_A, out_of_scope=IN_B, denied_persona="grid_worker_a"),
    Route(
        "development:applicant_withdraw",
        method="post",
        in_scope=IN_A,
        out_of_scope=IN_B,
        data=lambda world: {"date": _today(), "reason": "本人申请终止"},
        allowed_status=302,
        denied_persona="grid_worker_a",
    ),
]


# --- Rule sets: the 组织部 (district_admin) manages them; a branch secretary has no right ----------


def _national(world) -> dict:
    from dangjian.development.models import RuleSet

    return {"pk": RuleSet.objects.get(name="发展党员工作细则（2014）").pk}


def _draft(world):
    from dangjian.development.models import RuleSet, StepDefinition

    national = RuleSet.objects.get(name="发展党员工作细则（2014）")
    draft = RuleSet.objects.create(
        name="草稿规则集", source=national.source, effective_from=datetime.date(2026, 6, 1)
    )
    StepDefinition.objects.create(
        rule_set=draft, code="application", stage="applicant", order=10, name="递交入党申请书", effect="apply"
    )
    return draft


def _elsewhere(world) -> dict:
    # A regional set of an organization outside the district: not in district_admin's scope.
    from dangjian.development.models import RuleSet
    from dangjian.orgs.choices import OrgKind
    from tests.factories import add_org

    other = add_org(None, "中共另一区委员会", "D0099", OrgKind.DISTRICT_COMMITTEE)
    rule_set = RuleSet.objects.create(
        name="另一区规则集", source="地方规定", effective_from=datetime.date(2026, 6, 1), org=other
    )
    return {"pk": rule_set.pk}


def _draft_step(world) -> dict:
    draft = _draft(world)
    return {"pk": draft.pk, "step_pk": draft.steps.get().pk}


def _elsewhere_step(world) -> dict:
    from dangjian.development.models import RuleSet, StepDefinition

    rule_set = RuleSet.objects.get(pk=_elsewhere(world)["pk"])
    step = StepDefinition.objects.create(
        rule_set=rule_set, code="application", stage="applicant", order=10, name="申请"
    )
    return {"pk": rule_set.pk, "step_pk": step.pk}


def _rule_set_file(world) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = json.dumps(
        {
            "name": "上传的规则集",
            "source": "《中国共产党发展党员工作细则》（修订）",
            "effective_from": "2026-06-01",
            "steps": [
                {"code": "application", "stage": "applicant", "name": "递交入党申请书", "effect": "apply"}
            ],
        },
        ensure_ascii=False,
    ).encode()
    return {"file": SimpleUploadedFile("rules.json", body, content_type="application/json")}


RULE_SET_ADMIN = {"persona": "district_admin", "denied_persona": "secretary_a"}

ROUTES += [
    Route("development:rule_set_list", **RULE_SET_ADMIN),
    Route("development:rule_set_detail", in_scope=_national, out_of_scope=_elsewhere, **RULE_SET_ADMIN),
    Route("development:rule_set_export", in_scope=_national, out_of_scope=_elsewhere, **RULE_SET_ADMIN),
    Route("development:rule_set_copy", in_scope=_national, out_of_scope=_elsewhere, **RULE_SET_ADMIN),
    Route(
        "development:rule_set_copy",
        method="post",
        in_scope=_national,
        out_of_scope=_elsewhere,
        data=lambda world: {"name": "修订细则", "source": "修订后的细则", "effective_from": "2026-06-01"},
        allowed_status=302,
        **RULE_SET_ADMIN,
    ),
    Route(
        "development:rule_set_step_edit", in_scope=_draft_step, out_of_scope=_elsewhere_step, **RULE_SET_ADMIN
    ),
    Route(
        "development:rule_set_step_edit",
        method="post",
        in_scope=_draft_step,
        out_of_scope=_elsewhere_step,
        data=lambda world: {
            "name": "递交入党申请书",
            "stage": "applicant",
            "order": 10,
            "materials": "入党申请书",
            "rules": '[{"kind": "min_age", "years": 18}]',
            "reminder_days": 7,
            "is_required": "on",
            "is_active": "on",
        },
        allowed_status=302,
        **RULE_SET_ADMIN,
    ),
    Route(
        "development:rule_set_activate",
        method="post",
        in_scope=lambda world: {"pk": _draft(world).pk},
        out_of_scope=_elsewhere,
        allowed_status=302,
        **RULE_SET_ADMIN,
    ),
    Route("development:rule_set_load", **RULE_SET_ADMIN),
    Route(
        "development:rule_set_load", method="post", data=_rule_set_file, allowed_status=302, **RULE_SET_ADMIN
    ),
]

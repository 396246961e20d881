"""Seed the national steps of 《中国共产党发展党员工作细则》 and give the built-in roles the
development permissions.

The steps are data: a region edits their intervals, materials and reminders in the admin. The
article numbers cite the 细则 (2014); a region that finds a different numbering corrects the
``article`` of a rule in the admin.
"""

from __future__ import annotations

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

CHANGE = "development.change_applicant"

STEPS = [
    # code, stage, order, name, effect, required, repeatable, reminder days, materials, rules
    (
        "application", "applicant", 10, "递交入党申请书", "apply", True, False, 7, ["入党申请书"],
        [
            {"kind": "min_age", "years": 18, "text": "递交入党申请须年满十八岁", "article": "第六条"},
            {
                "kind": "league_under", "years": 28, "warning": True,
                "text": "二十八周岁以下的入党申请人一般应从共青团推优中产生", "article": "第九条",
            },
        ],
    ),
    (
        "application_talk", "applicant", 20, "入党申请人谈话", "none", True, False, 7, ["谈话记录"],
        [{
            "kind": "after", "step": "application", "max": {"months": 1},
            "text": "党组织须在收到入党申请书后一个月内派人谈话", "article": "第八条",
        }],
    ),
    (
        "activist", "activist", 30, "确定为入党积极分子", "activist", True, False, 14,
        ["党员推荐或群团组织推优材料", "支部委员会会议记录"],
        [
            {"kind": "after", "step": "application_talk", "text": "确定入党积极分子须在谈话之后", "article": "第九条"},
            {
                "kind": "members", "value": "contacts", "min": 1, "max": 2,
                "text": "须指定一至两名正式党员作培养联系人", "article": "第十条",
            },
        ],
    ),
    (
        "thought_report", "activist", 40, "思想汇报", "none", False, True, 14, ["思想汇报"],
        [{"kind": "after", "step": "activist", "text": "思想汇报在列为入党积极分子之后提交", "article": "第十一条"}],
    ),
    (
        "activist_review", "activist", 50, "半年考察", "none", False, True, 14, ["考察意见"],
        [{"kind": "after", "step": "activist", "text": "考察在列为入党积极分子之后进行", "article": "第十二条"}],
    ),
    (
        "candidate", "candidate", 60, "确定为发展对象", "candidate", True, False, 30,
        ["支部委员会会议记录", "培养联系人意见"],
        [
            {
                "kind": "after", "step": "activist", "min": {"years": 1},
                "text": "确定为发展对象须在列为入党积极分子满一年后", "article": "第十三条",
            },
            {
                "kind": "prior_count", "step": "thought_report", "min": 4,
                "text": "入党积极分子须按季度提交思想汇报（至少四次）", "article": "第十一条",
            },
            {
                "kind": "members", "value": "introducers", "count": 2,
                "text": "发展对象须有两名正式党员作入党介绍人", "article": "第十四条",
            },
        ],
    ),
    (
        "political_review", "candidate", 70, "政治审查", "none", True, False, 14, ["政审材料"],
        [{"kind": "after", "step": "candidate", "text": "政治审查在确定为发展对象之后进行", "article": "第十六条"}],
    ),
    (
        "training", "candidate", 80, "集中培训", "none", True, False, 14, ["培训结业证明"],
        [
            {"kind": "after", "step": "candidate", "text": "集中培训在确定为发展对象之后进行", "article": "第十七条"},
            {
                "kind": "training", "min_days": 3, "min_hours": 24,
                "text": "短期集中培训时间一般不少于三天或不少于二十四个学时", "article": "第十七条",
            },
        ],
    ),
    (
        "preliminary_review", "candidate", 90, "上级党委预审", "none", True, False, 14, ["预审意见", "入党志愿书"],
        [
            {"kind": "after", "step": "political_review", "text": "预审须在政治审查之后", "article": "第十九条"},
            {"kind": "after", "step": "training", "text": "预审须在集中培训之后", "article": "第十九条"},
        ],
    ),
    (
        "branch_meeting", "probationary", 100, "支部大会讨论接收", "none", True, False, 14,
        ["入党志愿书", "支部大会决议"],
        [
            {"kind": "after", "step": "preliminary_review", "text": "支部大会讨论须在上级党委预审之后", "article": "第二十条"},
            {
                "kind": "vote",
                "text": "支部大会有表决权的到会人数须超过应到会人数的半数，赞成人数须超过应到会有表决权的正式党员的半数",
                "article": "第二十五条",
            },
        ],
    ),
    (
        "admission_approval", "probationary", 110, "上级党委审批接收", "admit", True, False, 30, ["审批意见"],
        [{
            "kind": "after", "step": "branch_meeting", "max": {"months": 3},
            "text": "上级党委须在支部大会通过后三个月内审批", "article": "第二十六条",
        }],
    ),
    (
        "oath", "probationary", 120, "入党宣誓", "none", True, False, 14, [],
        [{"kind": "after", "step": "admission_approval", "text": "入党宣誓在上级党委批准之后", "article": "第二十八条"}],
    ),
    (
        "extension", "probationary", 130, "延长预备期", "extend", False, False, 14, ["支部大会决议", "审批意见"],
        [
            {"kind": "after", "step": "admission_approval", "text": "延长预备期须在接收为预备党员之后", "article": "第三十二条"},
            {
                "kind": "months", "value": "months", "min": 6, "max": 12,
                "text": "预备期只能延长一次，延长时间不能少于半年，最长不超过一年", "article": "第三十二条",
            },
        ],
    ),
    (
        "cancellation", "probationary", 140, "取消预备党员资格", "cancel", False, False, 14, ["支部大会决议", "审批意见"],
        [{"kind": "after", "step": "admission_approval", "text": "取消资格须在接收为预备党员之后", "article": "第三十二条"}],
    ),
    (
        "regularization_meeting", "probationary", 150, "支部大会讨论转正", "none", True, False, 30,
        ["转正申请书", "支部大会决议"],
        [
            {
                "kind": "after", "step": "branch_meeting", "min": {"years": 1}, "plus_extension": True,
                "text": "预备期为一年，自支部大会通过之日算起，期满方可讨论转正", "article": "第二十九条",
            },
            {"kind": "after", "step": "oath", "text": "讨论转正须在入党宣誓之后", "article": "第二十八条"},
            {
                "kind": "vote",
                "text": "支部大会有表决权的到会人数须超过应到会人数的半数，赞成人数须超过应到会有表决权的正式党员的半数",
                "article": "第三十一条",
            },
        ],
    ),
    (
        "regularization_approval", "full", 160, "上级党委审批转正", "regularize", True, False, 30, ["审批意见"],
        [{
            "kind": "after", "step": "regularization_meeting", "max": {"months": 3},
            "text": "上级党委须在支部大会讨论转正后三个月内审批", "article": "第三十一条",
        }],
    ),
]


def seed_steps(apps, schema_editor):
    StepDefinition = apps.get_model("development", "StepDefinition")
    for code, stage, order, name, effect, required, repeatable, reminder, materials, rules in STEPS:
        StepDefinition.objects.update_or_create(
            code=code,
            defaults={
                "stage": stage,
                "order": order,
                "name": name,
                "effect": effect,
                "is_required": required,
                "is_repeatable": repeatable,
                "reminder_days": reminder,
                "materials": materials,
                "rules": rules,
                "permission": CHANGE,
            },
        )


def remove_steps(apps, schema_editor):
    StepDefinition = apps.get_model("development", "StepDefinition")
    StepDefinition.objects.filter(code__in=[step[0] for step in STEPS], records__isnull=True).delete()


DEVELOPMENT_PERMISSIONS = {
    "org_department_admin": ["add_applicant", "change_applicant", "view_applicant"],
    "org_secretary": ["add_applicant", "change_applicant", "view_applicant"],
    "org_staff": ["change_applicant", "view_applicant"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("development", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(seed_steps, remove_steps),
        grant_builtin_permissions("development", DEVELOPMENT_PERMISSIONS),
    ]

"""Put the existing steps into the rule set of the 2014 细则 and correct their citations.

The steps seeded by 0002 become the set "发展党员工作细则（2014）" (中办发〔2014〕33号), so a
revised 细则 can be loaded as a new set that applies from its own effective date. Their article
numbers are corrected to the 2014 text as checked in DOMAIN.md ("Development pipeline"); where no
article is confirmed the document is cited without a number. The count of quarterly thought
reports is local practice, not a 细则 article: it stays as a warning marked 本地规定. The
approval of a new 预备党员 may take up to six months with the reason recorded, and the 转正
discussion of a transferred-in 预备党员 may be postponed by up to six months (第三十六条).

Rules are matched by (step, kind, referenced step or value) and only their citation fields are
rewritten, so intervals a region adjusted in the admin are kept.
"""

from __future__ import annotations

import datetime
import importlib

from django.db import migrations

from dangjian.accounts.roles import grant_builtin_permissions

NAME = "发展党员工作细则（2014）"
SOURCE = "《中国共产党发展党员工作细则》（中办发〔2014〕33号）"
# The date of the 2014 细则: "2014年5月28日，中共中央办公厅印发《中国共产党发展党员工作细则》"
# (《发展党员工作标准和规范》, ch. 5); the press reported it on 2014-06-11 as issued "近日".
# Steps dated earlier are judged by the earliest set anyway.
EFFECTIVE_FROM = datetime.date(2014, 5, 28)
LOCAL = "本地规定"
CENTRAL_POLICY = "中央关于共青团推优入党的有关规定"
VOTE_TEXT = (
    "支部大会有表决权的到会人数须超过应到会有表决权人数的半数，赞成人数须超过应到会有表决权的正式党员的半数"
)

# (step code, rule kind, referenced step or value) → the citation fields the rule gets.
# ``None`` for "article" removes the article number (the document is cited without one).
CORRECTIONS: dict[tuple[str, str, str], dict] = {
    ("application", "min_age", ""): {"article": "第五条"},
    ("application", "league_under", ""): {"article": None, "source": CENTRAL_POLICY},
    ("application_talk", "after", "application"): {"article": "第七条"},
    ("activist", "after", "application_talk"): {"article": "第八条"},
    ("activist", "members", "contacts"): {"article": "第九条"},
    ("thought_report", "after", "activist"): {"article": None},
    ("activist_review", "after", "activist"): {
        "article": "第十一条",
        "text": "党支部每半年对入党积极分子进行一次考察",
    },
    ("candidate", "after", "activist"): {"article": "第十三条"},
    ("candidate", "prior_count", "thought_report"): {
        "article": None,
        "source": LOCAL,
        "warning": True,
        "local": True,
        "text": "入党积极分子一般按季度提交思想汇报（至少四次）",
    },
    ("candidate", "members", "introducers"): {
        "article": "第十四条",
        "text": "发展对象须有两名正式党员作入党介绍人（受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人）",
    },
    ("political_review", "after", "candidate"): {"article": "第十六条"},
    ("training", "after", "candidate"): {"article": "第十七条"},
    ("training", "training", ""): {"article": "第十七条"},
    ("preliminary_review", "after", "political_review"): {"article": "第十九条"},
    ("preliminary_review", "after", "training"): {"article": "第十九条"},
    ("branch_meeting", "after", "preliminary_review"): {"article": "第十九条"},
    ("branch_meeting", "vote", ""): {"article": "第二十条、第二十一条", "text": VOTE_TEXT},
    ("admission_approval", "after", "branch_meeting"): {
        # Three months, up to six for special reasons: the article is to be confirmed (DOMAIN.md).
        "article": None,
        "max_with_reason": {"months": 6},
        "reason": "reason",
        "text": "上级党委须在支部大会通过后三个月内审批；因特殊情况可延长，最长不超过六个月，须记录理由",
    },
    ("oath", "after", "admission_approval"): {"article": "第六条", "source": "《中国共产党章程》"},
    ("extension", "after", "admission_approval"): {"article": "第三十二条"},
    ("extension", "months", "months"): {"article": "第三十二条"},
    ("cancellation", "after", "admission_approval"): {"article": "第三十二条"},
    ("regularization_meeting", "after", "branch_meeting"): {"article": "第三十二条"},
    ("regularization_meeting", "after", "oath"): {"article": "第六条", "source": "《中国共产党章程》"},
    ("regularization_meeting", "vote", ""): {"article": "第三十三条", "text": VOTE_TEXT},
    ("regularization_approval", "after", "regularization_meeting"): {"article": "第三十四条"},
}

# The transferred-in 预备党员's postponed 转正 discussion: a new rule of the 转正 meeting. Late
# without a reason only warns (the discussion should be timely); with a reason, at most six months.
POSTPONEMENT = {
    "kind": "after",
    "step": "branch_meeting",
    "max": {"years": 1},
    "plus_extension": True,
    "max_with_reason": {"years": 1, "months": 6},
    "reason": "reason",
    "warning_without_reason": True,
    "text": "预备期满应及时讨论转正；转入的预备党员，转正讨论可推迟，最长不超过六个月，须记录理由，转正时间仍自预备期满之日算起",
    "article": "第三十六条",
}


def _key(code: str, rule: dict) -> tuple[str, str, str]:
    return (code, rule.get("kind", ""), rule.get("step") or rule.get("value") or "")


def corrected(code: str, rules: list) -> list:
    """A step's rules with the citations of DOMAIN.md (and the postponement rule of 转正)."""
    result = []
    for rule in rules or []:
        rule = dict(rule)
        for field, value in CORRECTIONS.get(_key(code, rule), {}).items():
            if value is None:
                rule.pop(field, None)
            else:
                rule[field] = value
        result.append(rule)
    if code == "regularization_meeting" and not any(r.get("reason") for r in result):
        result.append(dict(POSTPONEMENT))
    return result


def _rule_set(apps):
    RuleSet = apps.get_model("development", "RuleSet")
    rule_set, _ = RuleSet.objects.get_or_create(
        name=NAME,
        defaults={
            "source": SOURCE,
            "effective_from": EFFECTIVE_FROM,
            "state": "active",
            "note": "随系统提供：2014年细则的发展步骤（条文序号已按已发布文本核对）。",
        },
    )
    return rule_set


def forward(apps, schema_editor):
    """Existing steps (seeded by 0002, perhaps adjusted by a region) join the 2014 set, corrected."""
    StepDefinition = apps.get_model("development", "StepDefinition")
    rule_set = _rule_set(apps)
    for step in StepDefinition.objects.filter(rule_set__isnull=True):
        step.rules = corrected(step.code, step.rules)
        step.rule_set = rule_set
        step.save(update_fields=["rules", "rule_set"])


def seed(apps, schema_editor):
    """The 2014 set and its steps on an empty database (the tests' flush; idempotent)."""
    national = importlib.import_module("dangjian.development.migrations.0002_national_steps")
    StepDefinition = apps.get_model("development", "StepDefinition")
    rule_set = _rule_set(apps)
    for code, stage, order, name, effect, required, repeatable, reminder, materials, rules in national.STEPS:
        StepDefinition.objects.update_or_create(
            rule_set=rule_set,
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
                "rules": corrected(code, rules),
                "permission": national.CHANGE,
            },
        )


def backward(apps, schema_editor):
    StepDefinition = apps.get_model("development", "StepDefinition")
    RuleSet = apps.get_model("development", "RuleSet")
    StepDefinition.objects.update(rule_set=None)
    RuleSet.objects.filter(name=NAME).delete()


RULE_SET_PERMISSIONS = {"org_department_admin": ["add_ruleset", "change_ruleset", "view_ruleset"]}


class Migration(migrations.Migration):
    dependencies = [
        ("development", "0003_rule_sets"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        grant_builtin_permissions("development", RULE_SET_PERMISSIONS),
    ]

"""Properties of the pipeline's dates (development/rules.py) under the seeded national rule set
(发展党员工作细则, 2014), for any dates of the earlier records: the earliest date ``due_of`` gives
a step is the first date its ``after`` rules accept — it respects every minimum interval, and the
day before is refused."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangjian.development.models import StepDefinition
from dangjian.development.rules import Context, add_interval, due_of, evaluate

days = st.integers(min_value=0, max_value=3650).map(
    lambda n: datetime.date(2015, 1, 1) + datetime.timedelta(days=n)
)


def _steps_with_intervals() -> list[StepDefinition]:
    steps = StepDefinition.objects.order_by("rule_set_id", "order", "id")
    return [step for step in steps if any(rule.get("kind") == "after" for rule in step.rules or [])]


def _after_rules(step) -> list[dict]:
    return [rule for rule in step.rules if rule.get("kind") == "after"]


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(data=st.data(), extension=st.integers(min_value=0, max_value=12))
def test_the_earliest_date_is_the_first_the_rules_accept(data, extension):
    steps = _steps_with_intervals()
    assert len(steps) >= 8  # the seeded national rule set
    step = data.draw(st.sampled_from(steps))
    rules = _after_rules(step)
    done = {rule["step"]: [data.draw(days)] for rule in rules}

    due = due_of(step, done, extension)

    for rule in rules:  # every minimum interval is respected
        extra = extension if rule.get("plus_extension") else 0
        assert due.earliest >= add_interval(done[rule["step"]][-1], rule.get("min"), extra_months=extra)
    if due.deadline is not None and due.deadline < due.earliest:
        return  # the minimum and the maximum cannot both hold: no date is accepted
    names = {code: code for code in done}

    def errors_on(day):
        ctx = Context(date=day, birth_date=None, source="", values={}, done=done, step_names=names)
        ctx.extension_months = extension
        return evaluate(rules, ctx).errors

    assert errors_on(due.earliest) == []
    assert errors_on(due.earliest - datetime.timedelta(days=1)) != []


@pytest.mark.django_db
@settings(deadline=None)
@given(activist=days, others=days)
def test_a_development_candidate_comes_at_least_a_year_after_the_activist(activist, others):
    """细则 第十三条: 经过一年以上培养教育和考察 before an activist becomes a 发展对象."""
    step = StepDefinition.objects.get(code="candidate")
    done = {rule["step"]: [others] for rule in _after_rules(step)}
    done["activist"] = [activist]

    due = due_of(step, done)

    try:
        a_year_later = activist.replace(year=activist.year + 1)
    except ValueError:  # 29 February
        a_year_later = datetime.date(activist.year + 1, 2, 28)
    assert due.earliest >= a_year_later

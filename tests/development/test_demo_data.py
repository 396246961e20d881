"""The demo data's files pass the same rules the services enforce, and are deterministic."""

from __future__ import annotations

import datetime
import random

from dangjian.development import rules
from dangjian.development.demo_data import simulate
from dangjian.development.models import StepDefinition


def test_simulated_files_pass_every_rule_of_their_steps(db):
    steps = {step.code: step for step in StepDefinition.objects.all()}
    names = {code: step.name for code, step in steps.items()}
    today = datetime.date(2026, 11, 24)
    voters = list(range(1, 9))
    rng = random.Random(7)
    seen = set()
    for _ in range(300):
        applied = today - datetime.timedelta(days=rng.randint(0, 4 * 365))
        done: dict[str, list[datetime.date]] = {}
        for code, date, values in simulate(rng, applied, today, voters):
            seen.add(code)
            assert date <= today
            ctx = rules.Context(
                date=date,
                birth_date=datetime.date(1995, 1, 1),
                source="league",
                values=values,
                done=done,
                step_names=names,
                full_member_ids=set(voters),
                voters=len(voters),
            )
            outcome = rules.evaluate(steps[code].rules, ctx)
            assert not outcome.errors, (code, outcome.errors)
            done.setdefault(code, []).append(date)
    assert {"regularization_approval", "branch_meeting", "candidate", "thought_report"} <= seen


def test_simulation_is_deterministic():
    first = simulate(
        random.Random(3), datetime.date(2024, 1, 10), datetime.date(2026, 11, 24), list(range(6))
    )
    second = simulate(
        random.Random(3), datetime.date(2024, 1, 10), datetime.date(2026, 11, 24), list(range(6))
    )
    assert first == second

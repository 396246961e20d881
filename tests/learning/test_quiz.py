"""Quizzes: N questions drawn from the bank, the right answers never sent before submission,
scored against the pass mark, attempts recorded."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse

from dangjian.core.errors import RuleViolation
from dangjian.learning import services
from dangjian.learning.choices import QuestionKind
from dangjian.learning.models import Attempt, Choice
from tests.learning.helpers import course_a, learner

pytestmark = pytest.mark.django_db


def test_a_quiz_draws_its_size_and_scores_against_the_pass_mark(world):
    made = course_a(world)
    made.quiz_size, made.pass_mark = 2, 100
    made.save()
    user = learner(world.branch_a1)
    attempt = services.start_attempt(user, made, rng=random.Random(1))
    assert len(attempt.question_ids) == 2
    assert services.start_attempt(user, made).pk == attempt.pk  # the open attempt is reused
    right = {
        str(q): list(Choice.objects.filter(question_id=q, is_correct=True).values_list("pk", flat=True))
        for q in attempt.question_ids
    }
    first = attempt.question_ids[0]
    half = {
        **right,
        str(first): list(
            Choice.objects.filter(question_id=first, is_correct=False).values_list("pk", flat=True)
        ),
    }
    marked = services.submit_attempt(user, attempt, half)
    assert marked.score == 50 and not marked.passed
    with pytest.raises(RuleViolation):
        services.submit_attempt(user, attempt, right)
    again = services.start_attempt(user, made)
    assert services.submit_attempt(
        user,
        again,
        {
            str(q): right.get(str(q))
            or list(Choice.objects.filter(question_id=q, is_correct=True).values_list("pk", flat=True))
            for q in again.question_ids
        },
    ).passed
    assert Attempt.objects.filter(person_id=user.person_id).count() == 2


def test_a_multiple_choice_question_needs_every_right_answer(world, secretary_a):
    made = course_a(world)
    question = services.add_question(
        made,
        by=secretary_a,
        kind=QuestionKind.MULTIPLE,
        text="哪些是",
        choices=[("甲", True), ("乙", True), ("丙", False)],
    )
    with pytest.raises(RuleViolation):
        services.add_question(
            made,
            by=secretary_a,
            kind=QuestionKind.SINGLE,
            text="两个对",
            choices=[("甲", True), ("乙", True)],
        )
    true_false = services.add_question(
        made, by=secretary_a, kind=QuestionKind.TRUE_FALSE, text="对吗", choices=[("对", True)]
    )
    assert [c.text for c in true_false.choices.all()] == ["对", "错"]
    ids = list(question.choices.filter(is_correct=True).values_list("pk", flat=True))
    from dangjian.learning.services import score

    assert score([question.pk], {str(question.pk): ids})[0] == 100
    assert score([question.pk], {str(question.pk): ids[:1]})[0] == 0


def test_the_answers_are_not_sent_before_submission(world, client):
    made = course_a(world)
    user = learner(world.branch_a1)
    client.force_login(user)
    started = client.post(reverse("learning:quiz_start", args=[made.pk]))
    attempt = Attempt.objects.get(person_id=user.person_id)
    assert started.url == reverse("learning:attempt_detail", args=[attempt.pk])
    page = client.get(started.url).content.decode()
    assert "✓" not in page and "text-success" not in page and "is_correct" not in page
    api = client.post(f"/api/v1/learning/courses/{made.pk}/attempts")
    assert api.status_code == 200 and "correct" not in api.content.decode()
    answers = {
        f"q{q}": list(Choice.objects.filter(question_id=q, is_correct=True).values_list("pk", flat=True))
        for q in attempt.question_ids
    }
    client.post(started.url, answers)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 100
    assert "✓" in client.get(started.url).content.decode()


def test_someone_elses_attempt_is_not_found(world, client):
    made = course_a(world)
    attempt = services.start_attempt(learner(world.branch_a1), made)
    client.force_login(learner(world.branch_a1, "学员丙"))
    assert client.get(reverse("learning:attempt_detail", args=[attempt.pk])).status_code == 404
    assert (
        client.post(
            f"/api/v1/learning/attempts/{attempt.pk}/submit", {"answers": {}}, content_type="application/json"
        ).status_code
        == 404
    )

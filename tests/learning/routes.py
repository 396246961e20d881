"""Permission table of the online party school's pages.

secretary_a (社区A党委) manages 社区A's course and plan; 社区B's are out of her scope (404);
grid_worker_a holds no learning permission and is no learner (403/404). Learner-only routes
(heartbeat, quiz attempt) link secretary_a's account to a person first, as a secretary who is
also a member would be; the two-role persona has no person, so the heartbeat refuses her (400).
"""

from __future__ import annotations

from dangjian.learning.choices import LessonKind
from dangjian.learning.models import Attempt
from tests.factories import PersonFactory
from tests.learning.helpers import course_a, course_b, lesson_of, plan_a, plan_b
from tests.permissions import Route

GRID = "grid_worker_a"

COURSE_A = lambda world: {"pk": course_a(world).pk}  # noqa: E731
COURSE_B = lambda world: {"pk": course_b(world).pk}  # noqa: E731
LESSON_A = lambda world: {"pk": lesson_of(course_a(world)).pk}  # noqa: E731
LESSON_B = lambda world: {"pk": lesson_of(course_b(world)).pk}  # noqa: E731
VIDEO_A = lambda world: {"pk": lesson_of(course_a(world), LessonKind.VIDEO).pk}  # noqa: E731
VIDEO_B = lambda world: {"pk": lesson_of(course_b(world), LessonKind.VIDEO).pk}  # noqa: E731
QUESTION_A = lambda world: {"pk": course_a(world).questions.first().pk}  # noqa: E731
QUESTION_B = lambda world: {"pk": course_b(world).questions.first().pk}  # noqa: E731
PLAN_A = lambda world: {"pk": plan_a(world).pk}  # noqa: E731
PLAN_B = lambda world: {"pk": plan_b(world).pk}  # noqa: E731


def secretary_person_id() -> int:
    """Link secretary_a's account to a person (once) and return the person's id."""
    from dangjian.accounts.models import User

    user = User.objects.filter(username="secretary_a").first()
    if user is None:  # the anonymous and denied rows: a person nobody signs in as
        return PersonFactory(name="无账号").pk
    if user.person_id is None:
        user.person = PersonFactory(name="李书记")
        user.save(update_fields=["person"])
    return user.person_id


def heartbeat_lesson(lesson_kwargs):
    def build(world) -> dict:
        secretary_person_id()
        return lesson_kwargs(world)

    return build


def attempt_of(course_getter):
    def build(world) -> dict:
        made = course_getter(world)
        attempt, _ = Attempt.objects.get_or_create(
            course=made,
            person_id=secretary_person_id(),
            submitted_at=None,
            defaults={"question_ids": list(made.questions.values_list("pk", flat=True))},
        )
        return {"pk": attempt.pk}

    return build


def _form(name: str, in_scope, out_of_scope, data, *, denied: str = GRID) -> list[Route]:
    common = {"in_scope": in_scope, "out_of_scope": out_of_scope, "denied_persona": denied}
    return [Route(name, **common), Route(name, method="post", data=data, allowed_status=302, **common)]


def course_data(world) -> dict:
    return {"org": world.org_a.pk, "title": "新课程", "audience": "subtree", "quiz_size": 5, "pass_mark": 60}


def plan_data(world) -> dict:
    return {"org": world.org_a.pk, "year": 2031, "title": "计划", "required_hours": "10"}


ROUTES: list[Route] = [
    Route("learning:course_list", denied_persona=GRID),
    *_form("learning:course_create", lambda world: {}, None, course_data),
    Route("learning:course_detail", in_scope=COURSE_A, out_of_scope=COURSE_B, denied_persona=GRID),
    *_form(
        "learning:course_edit",
        COURSE_A,
        COURSE_B,
        lambda world: {**course_data(world), "title": "改名", "version": 1},
    ),
    *_form("learning:course_publish", COURSE_A, COURSE_B, lambda world: {}),
    *_form("learning:course_withdraw", COURSE_A, COURSE_B, lambda world: {}),
    *_form(
        "learning:lesson_create",
        COURSE_A,
        COURSE_B,
        lambda world: {"title": "新课时", "kind": "text", "minutes": 5, "body": "<p>正文</p>"},
    ),
    *_form(
        "learning:question_create",
        COURSE_A,
        COURSE_B,
        lambda world: {"kind": "single", "text": "题目", "choices": "*甲\n乙"},
    ),
    Route(
        "learning:quiz_start",
        method="post",
        data=lambda world: {},
        in_scope=COURSE_A,
        out_of_scope=COURSE_B,
        allowed_status=302,
        denied_persona=GRID,
    ),
    Route("learning:lesson_detail", in_scope=LESSON_A, out_of_scope=LESSON_B, denied_persona=GRID),
    Route("learning:lesson_file", in_scope=VIDEO_A, out_of_scope=VIDEO_B, denied_persona=GRID),
    Route(
        "learning:lesson_heartbeat",
        method="post",
        json=True,
        data=lambda world: {"visible": True, "active": True},
        in_scope=heartbeat_lesson(LESSON_A),
        out_of_scope=LESSON_B,
        denied_persona=GRID,
        two_roles="400",
    ),
    *_form(
        "learning:lesson_edit",
        LESSON_A,
        LESSON_B,
        lambda world: {"title": "改", "kind": "text", "minutes": 5, "body": "<p>x</p>"},
    ),
    *_form("learning:lesson_delete", LESSON_A, LESSON_B, lambda world: {}),
    *_form("learning:question_delete", QUESTION_A, QUESTION_B, lambda world: {}),
    Route(
        "learning:attempt_detail",
        in_scope=attempt_of(course_a),
        out_of_scope=attempt_of(course_b),
        denied_persona=GRID,
        two_roles="404",
    ),
    Route("learning:plan_list", denied_persona=GRID),
    *_form("learning:plan_create", lambda world: {}, None, plan_data),
    *_form("learning:plan_edit", PLAN_A, PLAN_B, lambda world: {**plan_data(world), "version": 1}),
    Route("learning:completion_list", denied_persona=GRID),
    Route("learning:completion_export", denied_persona=GRID),
]

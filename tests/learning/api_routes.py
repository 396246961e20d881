"""Permission table of the online party school's API (/api/v1/learning); the objects of ``routes.py``."""

from __future__ import annotations

from tests.learning.helpers import course_a, course_b
from tests.learning.routes import COURSE_A, COURSE_B, GRID, LESSON_A, LESSON_B, attempt_of, heartbeat_lesson
from tests.permissions import Route


def _id(kwargs):
    return lambda world: {"id": kwargs(world)["pk"]}


def _api(name: str, **options) -> Route:
    options.setdefault("anonymous", "401")
    options.setdefault("denied_persona", GRID)
    for key in ("in_scope", "out_of_scope"):
        if options.get(key) is not None:
            options[key] = _id(options[key])
    return Route(name=f"api:{name}", **options)


ROUTES: list[Route] = [
    _api("learning_course_list"),
    _api("learning_course_detail", in_scope=COURSE_A, out_of_scope=COURSE_B),
    _api("learning_course_lessons", in_scope=COURSE_A, out_of_scope=COURSE_B),
    _api("learning_lesson_detail", in_scope=LESSON_A, out_of_scope=LESSON_B),
    _api(
        "learning_lesson_heartbeat",
        method="post",
        json=True,
        data=lambda world: {"visible": True, "active": True},
        in_scope=heartbeat_lesson(LESSON_A),
        out_of_scope=LESSON_B,
        two_roles="400",
    ),
    _api(
        "learning_attempt_start",
        method="post",
        json=True,
        in_scope=heartbeat_lesson(COURSE_A),
        out_of_scope=COURSE_B,
        two_roles="400",
    ),
    _api(
        "learning_attempt_submit",
        method="post",
        json=True,
        data=lambda world: {"answers": {}},
        in_scope=attempt_of(course_a),
        out_of_scope=attempt_of(course_b),
        two_roles="404",
    ),
    _api("learning_plan_list"),
    _api("learning_completion"),
]

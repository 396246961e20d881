"""网络党校 / 空中大讲堂 (the online party school): courses and lessons (text, PDF, video served
with range requests), study time recorded from a visible, active page, quizzes from question
banks, yearly study plans with the ``learning.study_completion`` figure, and training hours
toward the development pipeline's ≥ 3 days / 24 hours rule."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "dangjian.learning"
    label = "learning"
    verbose_name = _("Online party school")

    def ready(self) -> None:
        from dangjian.core.registry import (
            LOGGED_IN,
            MenuEntry,
            MenuGroup,
            TrainingHoursSource,
            register_audited_models,
            register_menu_entries,
            register_menu_group,
            register_mine_section,
            register_role_permissions,
            register_search_source,
            register_training_hours_source,
            registry,
        )
        from dangjian.learning import figures, personal_data
        from dangjian.learning.models import learner_org_path
        from dangjian.learning.panels import MY_LEARNING_SECTION
        from dangjian.learning.roles import ROLE_PERMISSIONS
        from dangjian.learning.search_sources import COURSES_SOURCE
        from dangjian.learning.selectors import training_hours

        # One navbar group with announcements and proposals: a group of its own pushed the
        # navbar past 1280 px for a community secretary.
        if "participation" not in registry["menu_groups"]:
            register_menu_group(MenuGroup("participation", _("Publicity and learning"), order=48))
        register_role_permissions(ROLE_PERMISSIONS)
        register_menu_entries(
            MenuEntry(
                "learning:course_list",
                _("Courses"),
                "participation",
                LOGGED_IN,
                order=50,
                condition=lambda user: (
                    learner_org_path(user) is not None or _holds(user, "learning.view_course")
                ),
            ),
            MenuEntry(
                "learning:plan_list", _("Study plans"), "participation", "learning.view_studyplan", order=51
            ),
            MenuEntry(
                "learning:completion_list",
                _("Study completion"),
                "participation",
                "learning.view_studyrecord",
                order=52,
            ),
        )
        register_audited_models(*self.get_models())
        register_mine_section(MY_LEARNING_SECTION)
        register_search_source(COURSES_SOURCE)
        register_training_hours_source(TrainingHoursSource("learning", training_hours))
        personal_data.register()
        figures.register_figures()


def _holds(user, permission: str) -> bool:
    from dangjian.core.scoping import scope_of

    return scope_of(user).has_any(permission)

"""The task queue's app (``django_tasks_db``) under a Chinese name in the admin.

In a module of its own: ``dangjian.core.apps`` must hold one ``AppConfig`` only, or Django
cannot pick core's (and its ``ready()`` registering the navbar would not run).
"""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")

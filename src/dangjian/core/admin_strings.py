"""Chinese for the English the Django admin shows that Django's own zh-Hans catalog lacks.

The walk-through (``scripts/walkthrough.py``) found them on ``/admin/``: the index's column
headers for screen readers (Django 5.2's ``admin/app_list.html``) and the task queue's model
names (``django_tasks_db`` has no Chinese catalog). Marked here so ``makemessages`` puts them in
our catalog, which ``LOCALE_PATHS`` places before the libraries' own.
"""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)

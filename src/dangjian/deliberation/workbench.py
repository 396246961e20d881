"""What deliberation puts on the 工作台 and in the search box: topics raised and waiting to be
accepted (staff running deliberation), the open follow-up tasks the user owns, and the topics
whose title or text match, among those the user sees."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from dangjian.core.registry import LOGGED_IN, SearchHit, SearchSource, TodoItem, TodoSource
from dangjian.core.search import newest_matching
from dangjian.core.workbench import with_query
from dangjian.deliberation.choices import ACTIVE_TASK_STATES, TopicState
from dangjian.deliberation.models import Task, Topic

RUN = "deliberation.change_topic"
VIEW = "deliberation.view_topic"


def raised_todo(user) -> list[TodoItem]:
    count = Topic.objects.visible_to(user, "change").filter(state=TopicState.RAISED).count()
    url = with_query(reverse("deliberation:topic_list"), state=TopicState.RAISED)
    return [TodoItem(gettext("Deliberation topics to accept"), count, url, key="deliberation.raised")]


def tasks_todo(user) -> list[TodoItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    count = Task.objects.filter(owner_user=user, state__in=ACTIVE_TASK_STATES).count()
    if not count:
        return []
    url = with_query(reverse("deliberation:topic_list"), mine=1)
    return [TodoItem(gettext("Follow-up tasks of yours"), count, url, key="deliberation.tasks")]


RAISED_TODO = TodoSource(
    key="deliberation", label=gettext_lazy("Deliberation"), items=raised_todo, permission=RUN, order=58
)
TASKS_TODO = TodoSource(
    key="deliberation.tasks",
    label=gettext_lazy("Deliberation tasks"),
    items=tasks_todo,
    permission=LOGGED_IN,
    order=59,
)


def find(user, text: str, limit: int) -> list[SearchHit]:
    topics = newest_matching(Topic.objects.visible_to(user, VIEW).select_related("org"), text, limit)
    return [
        SearchHit(
            title=topic.title,
            url=reverse("deliberation:topic_detail", kwargs={"pk": topic.pk}),
            detail=f"{topic.org.name} · {topic.get_state_display()}",
        )
        for topic in topics
    ]


SEARCH = SearchSource(
    key="deliberation",
    label=gettext_lazy("Deliberation topics"),
    find=find,
    requirement=VIEW,
    more_url=lambda text: with_query(reverse("deliberation:topic_list"), q=text),
    order=70,
)

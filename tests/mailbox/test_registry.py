"""What the mailbox contributes through the registry: the search source (繁体 input, never out of
scope), the on-time answer rate (equal to a recount of the records), the to-dos of assignees, the
personal-data source (export and erasure), the API."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from dangjian.core.periods import Period
from dangjian.core.registry import get_figure, registry
from dangjian.mailbox import services
from dangjian.mailbox.choices import MessageState
from dangjian.mailbox.demo_data import generate_mailbox
from dangjian.mailbox.models import Mailbox, Message
from tests.factories import PersonFactory
from tests.mailbox.helpers import PHONE, at, message_in, write


def test_the_search_source_finds_simplified_text_for_traditional_input_and_nothing_out_of_scope(
    world, secretary_a
):
    write(world.org_a, subject="党建活动室开放时间")
    write(world.org_b, subject="党建活动室开放时间（光明）")
    hits = registry["search_sources"]["mailbox"].find(secretary_a, "黨建", 10)
    assert [hit.title for hit in hits] == ["党建活动室开放时间"]


def test_the_on_time_rate_equals_a_recount_of_the_records(world, secretary_a):
    on_time = write(world.org_a, now=at("2026-03-02 09:00"))
    late = write(world.org_a, now=at("2026-03-02 09:00"))
    write(world.org_a, now=at("2026-03-02 09:00"))  # unanswered, past its deadline: counts as not on time
    for message, when in ((on_time, "2026-03-03 10:00"), (late, "2026-03-20 10:00")):
        services.assign_message(message, assignee=secretary_a, by=secretary_a, now=at("2026-03-02 10:00"))
        services.answer_message(message, answer="已处理", by=secretary_a, now=at(when))
    period = Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))
    figure = get_figure("mailbox.on_time_rate")
    assert figure.compute(world.street_org, period) == 1 / 3
    assert figure.compute(world.org_b, period) is None
    assert f"org={world.street_org.pk}" in figure.records_url(world.street_org, period)


def test_the_assignee_sees_the_message_among_their_todos(world, secretary_a):
    message = write(world.org_a)
    source = registry["todo_sources"]["mailbox"]
    assert {item.key: item.count for item in source.items(secretary_a)}["mailbox.to_assign"] == 1
    services.assign_message(message, assignee=secretary_a, by=secretary_a)
    items = {item.key: item.count for item in source.items(secretary_a)}
    assert items["mailbox.mine"] == 1 and items["mailbox.to_assign"] == 0


def test_the_writer_gets_a_copy_and_erasure_clears_name_and_phone(world):
    message = write(world.org_a)
    person = PersonFactory(name="张阿姨")
    person.mobile = PHONE
    person.save()
    source = registry["personal_data_sources"]["mailbox.messages"]
    assert [row["subject"] for row in source.rows(person)] == [message.subject]
    assert source.erase(person) == 1
    message.refresh_from_db()
    assert message.writer_name == "" and not message.writer_phone and message.writer_phone_hash is None


def test_the_api_lists_in_scope_and_answers(client, world, secretary_a):
    message = message_in(world.org_a, MessageState.ASSIGNED, secretary=secretary_a)
    write(world.org_b)
    client.force_login(secretary_a)
    listed = client.get("/api/v1/mailbox/messages").json()
    assert [item["id"] for item in listed["items"]] == [message.pk]
    assert listed["items"][0]["writer_phone"] == "139****5678"
    answered = client.post(
        f"/api/v1/mailbox/messages/{message.pk}/answer", {"answer": "已修好"}, content_type="application/json"
    )
    assert answered.status_code == 200 and answered.json()["state"] == MessageState.ANSWERED
    stale = client.post(
        f"/api/v1/mailbox/messages/{message.pk}/close", {"version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert client.get(f"/api/v1/mailbox/messages/{2**62}").status_code == 404


class FakeGenerator:
    class scale:
        communities = 1
        districts = 1

    anchors = None

    def __init__(self):
        import random

        self.rng = random.Random(3)
        self.today = timezone.localdate()

    def insert(self, model, rows, stage):
        model.objects.bulk_create(rows)


def test_the_generator_opens_mailboxes_and_writes_messages_in_every_state(world):
    written = generate_mailbox(FakeGenerator())
    assert written == 60
    assert (
        Mailbox.objects.filter(org=world.org_a).exists()
        and Mailbox.objects.filter(org=world.street_org).exists()
    )
    assert Message.objects.exclude(search_tokens="").count() == 60
    assert set(Message.objects.values_list("state", flat=True)) >= {
        MessageState.CLOSED,
        MessageState.ANSWERED,
    }
    assert reverse("mailbox:message_list")

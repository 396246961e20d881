"""Secret ballots against someone holding a copy of the database or a backup (docs/security.md):
nothing joins a ballot to its voter — no column, no other table, no audit line, no answer of the
API, no row order and no transaction — while one ballot per voter and round and the count stay
exact, also when ballots are cast at the same moment."""

from __future__ import annotations

import json
import random
import threading
import time

import pytest
from django.apps import apps
from django.db import OperationalError, connection, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from dangjian.core.errors import RuleViolation
from dangjian.core.models import AuditEntry
from dangjian.elections import services
from dangjian.elections.choices import ElectionState, VoteMethod
from dangjian.elections.models import Ballot, Candidate, Election, VoteRecord
from dangjian.elections.services import voting
from tests.elections.helpers import election_in, voter_user
from tests.elections.test_elections import SQLITE_LOCK_ATTEMPTS, _voting

BALLOT_COLUMNS = {"id", "election_id", "round", "is_valid"}
MARK_COLUMNS = {"id", "ballot_id", "candidate_id"}


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def _marks(ballot: Ballot) -> tuple[int, ...]:
    return tuple(sorted(ballot.choices.values_list("order", flat=True)))


def _box_on_disk(election: Election) -> list[tuple[str, str]]:
    """The round's ballots in the order they are stored (SQLite's rowid, PostgreSQL's ctid, as a
    dump or a backup copies them), each with the transaction (PostgreSQL) or row number that wrote
    it."""
    table = Ballot._meta.db_table
    if connection.vendor == "postgresql":
        sql = f"SELECT id::text, xmin::text FROM {table} WHERE election_id = %s ORDER BY ctid"
    else:
        sql = f"SELECT id, rowid FROM {table} WHERE election_id = %s ORDER BY rowid"
    with connection.cursor() as cursor:
        cursor.execute(sql, [election.pk])
        return [(str(key).replace("-", ""), str(written)) for key, written in cursor.fetchall()]


# --- No column, no table --------------------------------------------------------------------------


def test_a_ballot_has_a_random_key_and_no_voter_user_person_or_time(db):
    assert isinstance(Ballot._meta.pk, models.UUIDField)
    assert {field.column for field in Ballot._meta.concrete_fields} == BALLOT_COLUMNS
    marks = Ballot.choices.through
    assert {field.column for field in marks._meta.concrete_fields} == MARK_COLUMNS
    related = {field.related_model for field in Ballot._meta.concrete_fields if field.is_relation}
    assert related == {Election}
    # The tables as they are in the database, not only as the models say.
    assert _columns(Ballot._meta.db_table) == BALLOT_COLUMNS
    assert _columns(marks._meta.db_table) == MARK_COLUMNS


def test_nothing_in_the_database_points_at_a_ballot_but_its_marks(db):
    pointing = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Ballot
    ]
    assert pointing == [f"{Ballot.choices.through._meta.label}.ballot"]


def test_the_record_of_having_voted_keeps_the_day_not_the_time(db):
    kinds = {type(field) for field in VoteRecord._meta.concrete_fields}
    assert models.DateTimeField not in kinds and models.TimeField not in kinds
    assert isinstance(VoteRecord._meta.get_field("recorded_on"), models.DateField)


# --- Audit lines and answers -------------------------------------------------------------------


def test_casting_writes_audit_lines_on_the_record_without_the_ballot_or_its_marks(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=2)
    candidates = list(election.candidates.order_by("order"))
    phone = voter_user(world.branch_a1, "secret_phone")
    paper_voters = list(services.voters(election.org).exclude(person_id=phone.person_id).order_by("pk")[:2])
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    services.cast_ballot(election, user=phone, candidate_ids=[candidates[0].pk])
    services.enter_paper_ballot(
        election, by=secretary_a, voter=paper_voters[0], candidate_ids=[c.pk for c in candidates]
    )  # invalid: 4 marks for 3 seats
    services.enter_paper_ballot(
        election, by=secretary_a, voter=paper_voters[1], candidate_ids=[candidates[1].pk]
    )
    lines = list(AuditEntry.objects.filter(id__gt=before).order_by("id"))
    assert [line.object_type for line in lines] == ["elections.voterecord"] * 3
    ballot_keys = {str(pk) for pk in Ballot.objects.values_list("pk", flat=True)}
    ballot_keys |= {key.replace("-", "") for key in ballot_keys}
    for line in lines:
        text = json.dumps([line.object_id, line.object_repr, line.changes, line.note], ensure_ascii=False)
        assert not any(key in text for key in ballot_keys)
        assert line.changes == {}
    # An invalid paper ballot leaves the same line as a valid one: validity says what was marked.
    assert lines[1].note == lines[2].note


def test_the_api_answers_that_the_voter_has_voted_and_nothing_that_finds_the_ballot(client, world):
    current = election_in(world.branch_a1, state=ElectionState.VOTING, seats=3, candidates=4)
    voter = voter_user(world.branch_a1, "api_voter")
    client.force_login(voter)
    first = current.candidates.first()
    response = client.post(
        f"/api/v1/elections/{current.pk}/ballot",
        {"candidate_ids": [first.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"voter_id", "round", "method", "voted_on", "is_valid"}
    assert body["method"] == VoteMethod.PHONE and body["round"] == 1
    assert body["voted_on"] == timezone.localdate().isoformat()
    assert str(Ballot.objects.get(election=current).pk) not in response.content.decode()


def test_the_voters_page_after_casting_shows_the_day_not_the_choices(client, world):
    current = election_in(world.branch_a1, state=ElectionState.VOTING, seats=3, candidates=4)
    client.force_login(voter_user(world.branch_a1, "page_voter"))
    url = reverse("elections:ballot", kwargs={"pk": current.pk})
    chosen = current.candidates.order_by("order").last()
    assert client.post(url, {"choices": [chosen.pk]}).status_code == 302
    page = client.get(url).content.decode()
    assert f'data-voted-on="{timezone.localdate().isoformat()}"' in page
    assert chosen.member.person.name not in page


# --- Row order and transactions -----------------------------------------------------------------


PATTERNS = [(1,), (2,), (3,), (4,)]  # each voter's ballot is recognizable by its marks


def _cast_in_order(election: Election, by, world) -> None:
    candidates = {c.order: c for c in election.candidates.all()}
    voters = list(services.voters(election.org).order_by("pk")[: len(PATTERNS)])
    for voter, pattern in zip(voters, PATTERNS, strict=True):
        services.enter_paper_ballot(
            election, by=by, voter=voter, candidate_ids=[candidates[order].pk for order in pattern]
        )


def test_the_box_is_stored_in_the_order_of_the_shuffle_not_the_order_of_the_voters(
    world, secretary_a, monkeypatch
):
    # The shuffle is watched: after each ballot the box on disk (rows and marks) is in the order
    # the last shuffle gave, whatever the order in which the voters voted.
    shuffled: list[tuple[int, ...]] = []
    watched = random.Random(7)

    def shuffle(items: list) -> None:
        watched.shuffle(items)
        shuffled[:] = [tuple(sorted(marked)) for _valid, marked in items]

    monkeypatch.setattr(voting, "_SHUFFLE", shuffle)
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    _cast_in_order(election, secretary_a, world)
    by_key = {
        ballot.pk.hex: tuple(sorted(ballot.choices.values_list("pk", flat=True)))
        for ballot in Ballot.objects.filter(election=election)
    }
    stored = [by_key[key] for key, _written in _box_on_disk(election)]
    assert len(stored) == len(PATTERNS) and stored == shuffled
    marks = Ballot.choices.through.objects.filter(ballot__election=election).order_by("id")
    assert [by_key[mark.ballot_id.hex] for mark in marks] == stored


def test_the_shuffle_uses_the_operating_systems_randomness():
    assert isinstance(voting._SHUFFLE.__self__, random.SystemRandom)


@pytest.mark.django_db(transaction=True)
def test_every_ballot_of_the_box_is_rewritten_by_the_latest_ballot(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    _cast_in_order(election, secretary_a, world)
    on_disk = _box_on_disk(election)
    assert len(on_disk) == len(PATTERNS)
    if connection.vendor == "postgresql":
        # One transaction wrote every ballot of the box (and its marks): the last one cast. A live
        # copy's transaction ids pair the newest record with the whole box, not with one ballot.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM elections_ballot_choices WHERE ballot_id IN "
                "(SELECT id FROM elections_ballot WHERE election_id = %s)",
                [election.pk],
            )
            mark_writers = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT xmin::text FROM elections_voterecord WHERE election_id = %s ORDER BY id",
                [election.pk],
            )
            record_writers = [row[0] for row in cursor.fetchall()]
        box_writers = {written for _key, written in on_disk}
        assert len(box_writers) == 1 and mark_writers == box_writers
        # The record is written in a savepoint (its own sub-transaction id); the box was written
        # after every earlier record, by the last ballot's transaction.
        assert int(box_writers.pop()) > max(int(xid) for xid in record_writers[:-1])
    else:
        # SQLite: the rows were inserted together by the last ballot, one block of row numbers.
        numbers = sorted(int(written) for _key, written in on_disk)
        assert numbers == list(range(numbers[0], numbers[0] + len(PATTERNS)))


def test_on_sqlite_the_replaced_box_is_overwritten_on_disk(world, secretary_a):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's free pages; PostgreSQL's dead rows are not in a pg_dump")
    states: list[int] = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("DELETE") and "elections_ballot" in sql:
            states.append(context["connection"].connection.execute("PRAGMA secure_delete").fetchone()[0])
        return execute(sql, params, many, context)

    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete = 0")  # as an SQLite built without it is
    with connection.execute_wrapper(watch):
        _cast_in_order(election, secretary_a, world)
    assert states and set(states) == {1}
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 0  # the connection's own setting is restored afterwards


# --- Exact counts -----------------------------------------------------------------------------------


def test_the_box_holds_one_ballot_per_voter_and_the_count_is_exact(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4, extra_voters=6)  # 10 voters
    candidates = {c.order: c for c in election.candidates.all()}
    marks = [[1, 2, 3]] * 4 + [[1, 2]] * 2 + [[1, 4]] * 2 + [[1, 2, 3, 4]] + [[]]
    for voter, marked in zip(services.voters(election.org).order_by("pk"), marks, strict=True):
        services.enter_paper_ballot(
            election, by=secretary_a, voter=voter, candidate_ids=[candidates[o].pk for o in marked]
        )
    assert (
        Ballot.objects.filter(election=election).count()
        == VoteRecord.objects.filter(election=election).count()
    )
    counted = services.close_and_count(election, by=secretary_a)
    assert (counted.ballots_cast, counted.valid_ballots) == (10, 9)
    votes = dict(election.candidates.values_list("order", "votes_for"))
    assert votes == {1: 8, 2: 6, 3: 4, 4: 2}


def test_a_box_changed_outside_the_application_is_not_counted(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    _cast_in_order(election, secretary_a, world)
    Ballot.objects.filter(pk=Ballot.objects.filter(election=election).first().pk).delete()
    with pytest.raises(RuleViolation) as refused:
        services.close_and_count(election, by=secretary_a)
    assert refused.value.rule == "ballot_box"
    election.refresh_from_db()
    assert election.state == ElectionState.VOTING


def _cast_in_thread(election_pk: int, user, candidate_id: int, barrier, results: list) -> None:
    try:
        barrier.wait(timeout=10)
        for _attempt in range(SQLITE_LOCK_ATTEMPTS):
            try:
                services.cast_ballot(
                    Election.objects.get(pk=election_pk), user=user, candidate_ids=[candidate_id]
                )
            except OperationalError as error:
                # The in-memory SQLite test database answers "locked" at once: wait, as a busy
                # handler would.
                if connection.vendor != "sqlite" or "locked" not in str(error):
                    raise
                time.sleep(0.01)
            else:
                results.append("cast")
                return
        results.append("still locked")
    except Exception as error:  # reported by the assertions of the test
        results.append(error)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_voters_casting_at_the_same_moment_lose_no_ballot(world, secretary_a):
    election = _voting(world.branch_a1, secretary_a, seats=3, candidates=4)
    users = [voter_user(world.branch_a1, f"together{index}") for index in range(4)]
    candidate = election.candidates.order_by("order").first()
    barrier = threading.Barrier(len(users))
    results: list = []
    threads = [
        threading.Thread(target=_cast_in_thread, args=(election.pk, user, candidate.pk, barrier, results))
        for user in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == ["cast"] * len(users), results
    assert VoteRecord.objects.filter(election=election).count() == len(users)
    assert Ballot.objects.filter(election=election).count() == len(users)
    assert Candidate.objects.get(pk=candidate.pk).ballots.count() == len(users)


# --- The migration ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_splits_linked_ballots_and_drops_the_link(world, secretary_a):
    election = election_in(world.branch_a1, state=ElectionState.VOTING, seats=3, candidates=4)
    candidates = list(election.candidates.order_by("order"))
    voters = list(services.voters(election.org).order_by("pk")[:3])
    before = [("elections", "0004_voter_exclusions_officer_reports_seat_reduction")]
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes("elections")
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldBallot = old_apps.get_model("elections", "Ballot")
        cast_at = timezone.now()
        plan = zip(voters, [[0], [1, 2], [0, 1, 2, 3]], [None, secretary_a, secretary_a], strict=True)
        for voter, marked, staff in plan:
            old = OldBallot.objects.create(
                election_id=election.pk,
                voter_id=voter.pk,
                round=1,
                is_valid=len(marked) <= 3,
                cast_at=cast_at,
                entered_by_id=staff.pk if staff else None,
            )
            old.choices.set([candidates[index].pk for index in marked])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    records = list(VoteRecord.objects.filter(election=election).order_by("voter_id"))
    assert [record.voter_id for record in records] == [voter.pk for voter in voters]
    assert [record.method for record in records] == [VoteMethod.PHONE, VoteMethod.PAPER, VoteMethod.PAPER]
    assert {record.recorded_on for record in records} == {timezone.localdate(cast_at)}
    box = sorted((_marks(ballot), ballot.is_valid) for ballot in Ballot.objects.filter(election=election))
    assert box == [((1,), True), ((1, 2, 3, 4), False), ((2, 3), True)]
    assert "elections_linkedballot" not in connection.introspection.table_names()

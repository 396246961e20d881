"""Secret ballots: who has voted (VoteRecord) is split from what was voted (Ballot, unlinkable).

The ballots stored so far carry their voter, the time and the user who cast them. Each is split
into a VoteRecord (voter, how, by whom, the day) and a Ballot with a random key and its marks, the
ballots of each round written in a random order, and the linked table is dropped: nobody holding a
copy of the database from now on can tell who voted for whom. On purpose this cannot be undone
on a database holding ballots (the link is gone).
"""

import random
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def split_ballots(apps, schema_editor):
    LinkedBallot = apps.get_model("elections", "LinkedBallot")
    Ballot = apps.get_model("elections", "Ballot")
    VoteRecord = apps.get_model("elections", "VoteRecord")
    Mark = Ballot.choices.through
    OldMark = LinkedBallot.choices.through
    marks: dict[int, list[int]] = {}
    for ballot_id, candidate_id in OldMark.objects.values_list("linkedballot_id", "candidate_id"):
        marks.setdefault(ballot_id, []).append(candidate_id)
    shuffle = random.SystemRandom().shuffle
    old = list(
        LinkedBallot.objects.values_list(
            "pk", "election_id", "round", "voter_id", "is_valid", "cast_at", "cast_by_id", "entered_by_id"
        )
    )
    records = [
        VoteRecord(
            election_id=election_id,
            round=number,
            voter_id=voter_id,
            method="paper" if entered_by_id is not None else "phone",
            cast_by_id=cast_by_id,
            entered_by_id=entered_by_id,
            recorded_on=timezone.localtime(cast_at).date(),
        )
        for _pk, election_id, number, voter_id, _valid, cast_at, cast_by_id, entered_by_id in old
    ]
    VoteRecord.objects.bulk_create(records, batch_size=500)
    shuffle(old)
    ballots, links = [], []
    for pk, election_id, number, _voter, is_valid, *_rest in old:
        ballot = Ballot(id=uuid.uuid4(), election_id=election_id, round=number, is_valid=is_valid)
        ballots.append(ballot)
        links += [Mark(ballot_id=ballot.id, candidate_id=candidate_id) for candidate_id in marks.get(pk, [])]
    Ballot.objects.bulk_create(ballots, batch_size=500)
    Mark.objects.bulk_create(links, batch_size=500)


def refuse_to_relink(apps, schema_editor):
    if apps.get_model("elections", "Ballot").objects.exists():
        raise RuntimeError(
            "elections 0005 cannot be unapplied on a database holding ballots: the link between "
            "ballots and voters was dropped on purpose (secret ballot)."
        )


class Migration(migrations.Migration):

    dependencies = [
        ("elections", "0004_voter_exclusions_officer_reports_seat_reduction"),
        ("members", "0007_member_position_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ballot",
            name="elections_ballot_one_per_voter_round",
        ),
        migrations.RenameModel(old_name="Ballot", new_name="LinkedBallot"),
        migrations.AlterField(
            model_name="linkedballot",
            name="election",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="elections.election"
            ),
        ),
        migrations.AlterField(
            model_name="linkedballot",
            name="voter",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="members.partymember"
            ),
        ),
        migrations.AlterField(
            model_name="linkedballot",
            name="choices",
            field=models.ManyToManyField(blank=True, related_name="+", to="elections.candidate"),
        ),
        migrations.CreateModel(
            name="Ballot",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("round", models.PositiveSmallIntegerField(default=1, verbose_name="round")),
                ("is_valid", models.BooleanField(default=True, verbose_name="valid")),
                (
                    "choices",
                    models.ManyToManyField(
                        blank=True,
                        related_name="ballots",
                        to="elections.candidate",
                        verbose_name="candidates in favour",
                    ),
                ),
                (
                    "election",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ballots",
                        to="elections.election",
                        verbose_name="election",
                    ),
                ),
            ],
            options={
                "verbose_name": "ballot",
                "verbose_name_plural": "ballots",
                "ordering": ["election_id", "round", "id"],
            },
        ),
        migrations.CreateModel(
            name="VoteRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("round", models.PositiveSmallIntegerField(default=1, verbose_name="round")),
                (
                    "method",
                    models.CharField(
                        choices=[("phone", "On a phone"), ("paper", "Paper ballot entered by staff")],
                        max_length=8,
                        verbose_name="how",
                    ),
                ),
                ("recorded_on", models.DateField(verbose_name="voted on")),
                (
                    "cast_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="cast by",
                    ),
                ),
                (
                    "election",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="vote_records",
                        to="elections.election",
                        verbose_name="election",
                    ),
                ),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
                (
                    "voter",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="vote_records",
                        to="members.partymember",
                        verbose_name="voter",
                    ),
                ),
            ],
            options={
                "verbose_name": "record of having voted",
                "verbose_name_plural": "records of having voted",
                "ordering": ["election_id", "round", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("election", "round", "voter"), name="elections_voterecord_one_per_voter_round"
                    )
                ],
            },
        ),
        migrations.RunPython(split_ballots, refuse_to_relink),
        migrations.DeleteModel(name="LinkedBallot"),
    ]

"""Demo and benchmark data of the pipeline: applicants in every stage with valid dated steps.

About a third of each branch's member count is in the pipeline (roughly 8% of the members a year
over its two to three years), drawn from adult residents of the branch's area who are not
members. Every file is simulated forward from its application date with intervals inside the
national rules, so the records pass the same rule engine the services use; some files stall
before a step, which gives the board late steps. Bulk inserts only; deterministic per seed.
"""

from __future__ import annotations

import bisect
import datetime
import random
from collections import defaultdict

from dangjian.accounts.models import User
from dangjian.core.generator.steps import generator_step
from dangjian.core.models import Person
from dangjian.development import rules
from dangjian.development.choices import ApplicantSource, ApplicantState, Stage
from dangjian.development.models import Applicant, RuleSet, StepDefinition, StepRecord
from dangjian.members.choices import MemberStatus
from dangjian.members.models import PartyMember, Resident
from dangjian.members.voters import restricted_on
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

# Files in the pipeline per member of the branch.
PIPELINE_SHARE = 0.3
# Chance that a file stalls before each step (the step becomes due, then late).
STALL = 0.05
WITHDRAWN_SHARE = 0.03
MAX_AGE = 40


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def simulate(rng: random.Random, applied: datetime.date, today: datetime.date, voters: list[int]):
    """The dated steps of one file, (code, date, values), in order, none after ``today``."""
    steps: list[tuple[str, datetime.date, dict]] = [("application", applied, {})]

    def add(code: str, date: datetime.date, values: dict | None = None) -> bool:
        if date > today or rng.random() < STALL:
            return False
        steps.append((code, date, values or {}))
        return True

    talk = applied + _days(rng, 5, 25)
    if not add("application_talk", talk):
        return steps
    activist = talk + _days(rng, 20, 120)
    if len(voters) < 3 or not add("activist", activist, {"contacts": rng.sample(voters, rng.randint(1, 2))}):
        return steps
    candidate = activist + _days(rng, 370, 450)
    for quarter in range(1, 20):
        report = activist + datetime.timedelta(days=quarter * 88 + rng.randint(0, 5))
        if report > min(today, candidate):
            break
        steps.append(("thought_report", report, {}))
    if not add("candidate", candidate, {"introducers": rng.sample(voters, 2)}):
        return steps
    review = candidate + _days(rng, 10, 40)
    training = candidate + _days(rng, 5, 40)
    if not add("political_review", review):
        return steps
    if not add(
        "training", training, {"days": 3} if rng.random() < 0.5 else {"hours": rng.choice([24, 28, 32])}
    ):
        return steps
    preliminary = max(review, training) + _days(rng, 5, 20)
    if not add("preliminary_review", preliminary):
        return steps
    meeting = preliminary + _days(rng, 7, 40)
    present = len(voters) - rng.randint(0, len(voters) // 4)
    vote = {"present": present, "in_favour": present - rng.randint(0, max(0, present - len(voters) // 2 - 1))}
    vote["voters"] = len(voters)
    if not add("branch_meeting", meeting, vote):
        return steps
    if not add("admission_approval", meeting + _days(rng, 10, 80)):
        return steps
    if not add("oath", steps[-1][1] + _days(rng, 3, 20)):
        return steps
    regularization = rules.add_interval(meeting, {"years": 1}) + _days(rng, 0, 30)
    if not add("regularization_meeting", regularization, dict(vote)):
        return steps
    add("regularization_approval", regularization + _days(rng, 10, 60))
    return steps


@generator_step("development", order=10)
def generate_development(generator) -> int:
    """Applicants, their dated steps and the members admitted from them, for every branch."""
    rng = random.Random(f"{generator.seed}-development")
    today = generator.today
    # The demo files are generated under the national set in force today (the shipped 2014 set).
    national = [s for s in RuleSet.objects.active().filter(org__isnull=True) if s.effective_from <= today]
    if not national:
        return 0
    current = max(national, key=lambda s: (s.effective_from, s.pk))
    ordered = list(StepDefinition.objects.filter(rule_set=current, is_active=True).order_by("order", "id"))
    by_code = {step.code: step for step in ordered}
    if "application" not in by_code:
        return 0
    branches = list(
        Organization.objects.filter(kind__in=BRANCH_KINDS, is_active=True)
        .select_related("jurisdiction")
        .order_by("path")
    )
    # Introducers and voters: members with a vote today (``members.voters``): the 正式党员 of the
    # branch and of its 党小组, none under 留党察看 (细则第十四条).
    branch_of_path = {branch.path: branch.pk for branch in branches}
    path_step = Organization.steplen
    voters: dict[int, list[int]] = defaultdict(list)
    for path, member_id in (
        PartyMember.objects.filter(status=MemberStatus.FULL, is_active=True)
        .exclude(restricted_on(today))
        .values_list("org__path", "id")
    ):
        for end in range(len(path), 0, -path_step):
            if path[:end] in branch_of_path:
                voters[branch_of_path[path[:end]]].append(member_id)
                break
    youngest = today - datetime.timedelta(days=18 * 366)
    oldest = today - datetime.timedelta(days=MAX_AGE * 366)
    pool = list(
        Resident.objects.filter(
            is_current=True,
            person__membership__isnull=True,
            person__birth_date__range=(oldest, youngest),
        )
        .order_by("area__path", "person_id")
        .values_list("area__path", "person_id", "person__birth_date")
    )
    paths = [row[0] for row in pool]
    used: set[int] = set()
    files = []  # (branch, person_id, birth, applied, source, steps)
    for branch in branches:
        members = voters.get(branch.pk, [])
        wanted = round(len(members) * PIPELINE_SHARE)
        if not wanted:
            continue
        if branch.jurisdiction is not None:
            prefix = branch.jurisdiction.path
            low, high = bisect.bisect_left(paths, prefix), bisect.bisect_right(paths, prefix + "\uffff")
        else:
            low, high = 0, len(pool)
        if high <= low:
            low, high = 0, len(pool)
        for _ in range(wanted):
            for _attempt in range(8):
                _path, person_id, birth = pool[rng.randrange(low, high)] if high > low else (None, None, None)
                if person_id is not None and person_id not in used:
                    break
            else:
                continue
            if person_id is None or person_id in used:
                continue
            used.add(person_id)
            applied = today - datetime.timedelta(days=rng.randint(0, 4 * 365))
            adult = rules.add_interval(birth, {"years": 18}) + datetime.timedelta(days=30)
            applied = max(applied, adult)
            if applied > today:
                continue
            age = rules.age_on(birth, applied)
            if age < 28 and rng.random() < 0.9:
                source = ApplicantSource.LEAGUE
            else:
                source = rng.choice([ApplicantSource.MEMBERS, ApplicantSource.MASS_ORG, ApplicantSource.SELF])
            files.append((branch, person_id, applied, source, simulate(rng, applied, today, members)))
    # Members admitted from the pipeline (预备党员, or full after 转正) come first: the files point at them.
    new_members = []
    for branch, person_id, _applied, _source, steps in files:
        done = {code: date for code, date, _values in steps}
        if "admission_approval" not in done:
            new_members.append(None)
            continue
        meeting = done["branch_meeting"]
        full = "regularization_approval" in done
        new_members.append(
            PartyMember(
                person_id=person_id,
                org=branch,
                status=MemberStatus.FULL if full else MemberStatus.PROBATIONARY,
                joined_on=meeting,
                regularized_on=rules.add_interval(meeting, {"years": 1}) if full else None,
            )
        )
    generator.insert(PartyMember, [m for m in new_members if m is not None], "development: admitted members")
    applicants = []
    for (branch, person_id, applied, source, steps), member in zip(files, new_members, strict=True):
        done: dict[str, list[datetime.date]] = defaultdict(list)
        for code, date, _values in steps:
            done[code].append(date)
        applicant = Applicant(
            person_id=person_id, org=branch, source=source, applied_on=applied, member=member
        )
        if "activist" in done:
            applicant.stage, applicant.activist_on = Stage.ACTIVIST, done["activist"][0]
        if "candidate" in done:
            applicant.stage, applicant.candidate_on = Stage.CANDIDATE, done["candidate"][0]
        if member is not None:
            applicant.stage, applicant.state = Stage.PROBATIONARY, ApplicantState.ADMITTED
            applicant.admitted_on = member.joined_on
            applicant.probation_ends_on = rules.add_interval(member.joined_on, {"years": 1})
            if member.status == MemberStatus.FULL:
                applicant.stage, applicant.state = Stage.FULL, ApplicantState.FULL
                applicant.regularized_on = applicant.closed_on = member.regularized_on
        elif rng.random() < WITHDRAWN_SHARE:
            applicant.state, applicant.closed_on = ApplicantState.WITHDRAWN, steps[-1][1]
        if applicant.is_open:
            step, due = rules.next_step(ordered, done)
            applicant.next_step = step
            applicant.next_due_on = due.date if due else None
            applicant.next_due_is_deadline = bool(due and due.deadline)
        applicants.append(applicant)
    generator.insert(Applicant, applicants, "development: applicants")
    records = [
        StepRecord(
            applicant=applicant,
            step=by_code[code],
            date=date,
            materials=list(by_code[code].materials),
            values=values,
        )
        for applicant, (_branch, _person, _applied, _source, steps) in zip(applicants, files, strict=True)
        for code, date, values in steps
        if code in by_code
    ]
    generator.insert(StepRecord, records, "development: step records")
    generator.anchors.applicant = demo_applicant(generator, applicants, files)
    return len(applicants) + len(records) + sum(1 for m in new_members if m is not None)


def demo_applicant(generator, applicants: list[Applicant], files: list) -> Person | None:
    """The person of the applicant demo login (``accounts.demo_data``): an open 积极分子 file with
    at least three dated steps, of the demo member's grid branch if it has one, else of any
    branch; never a person who already has a login (an adult resident may be a demo user)."""
    taken = set(User.objects.filter(person__isnull=False).values_list("person_id", flat=True))
    candidates = [
        (
            applicant.org.path != getattr(generator.anchors.grid_branch, "path", None),
            applicant.org.path,
            applicant.applied_on,
            applicant.person_id,
        )
        for applicant, (_branch, _person, _applied, _source, steps) in zip(applicants, files, strict=True)
        if applicant.stage == Stage.ACTIVIST
        and applicant.state == ApplicantState.ACTIVE
        and len(steps) >= 3
        and applicant.person_id not in taken
    ]
    if not candidates:
        return None
    return Person.objects.get(pk=min(candidates)[3])

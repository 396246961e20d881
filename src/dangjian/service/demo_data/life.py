"""One request's life: handling, ratings, reopenings, whistles and the open states of recent requests."""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING

from dangjian.service.choices import (
    FollowUpState,
    RequestSource,
    WhistleState,
)
from dangjian.service.demo_data.loading import choose, source_label
from dangjian.service.demo_data.tables import (
    BAD_COMMENTS,
    CD,
    GOOD_COMMENTS,
    ONE_HOUR,
    ONE_MINUTE,
    RATED_SHARE,
    REJECT_REASONS,
    REJECT_SHARE,
    RESULTS,
    RETURN_REASONS,
    SOURCE_NAMES,
    SUSPEND_REASONS,
    A,
    S,
)
from dangjian.service.services import RESIDENT_NAME, SYSTEM_NAME

if TYPE_CHECKING:
    from dangjian.service.demo_data.plan import Draft


class RequestLife:
    """One request's life from report to archive, as the services would have written it (a ``Plan`` mixin)."""

    # --- one request's life ------------------------------------------------------------------------------
    def handler_of(self, draft: Draft) -> tuple[int | None, str, int | None, str]:
        """(handler org id, its path, department id, the handler's name) by rule, default or local choice."""
        leaf, grid = draft.leaf, draft.grid
        rule = None
        for length in range(len(grid.path), 0, -4):
            rule = self.rule_for.get((leaf.path, grid.path[:length])) or self.rule_for.get(
                (leaf.path[:4], grid.path[:length])
            )
            if rule is not None:
                break
        if rule is not None:
            if rule.handler_department_id:
                return None, "", rule.handler_department_id, rule.handler_department.name
            return (
                rule.handler_org_id,
                rule.handler_org.path,
                None,
                rule.handler_org.short_name or rule.handler_org.name,
            )
        departments = self.district_of.get(grid.path[:4], {})
        department = departments.get(leaf.handler)
        if department is not None:
            return None, "", department.pk, department.name
        if leaf.handler == "branch" and grid.branch_id:
            return grid.branch_id, grid.branch_path, None, grid.branch_name
        return grid.org_id, grid.org_path, None, grid.org_name

    def live(self, draft: Draft) -> None:
        rng, clock, request = self.rng, self.clock, draft.request
        created = draft.created
        leaf = draft.leaf
        full = created >= self.full_from
        open_state = next((value for kind, value in draft.events if kind == "open"), None)
        draft.events = []
        due = clock.due(created, leaf.amount, leaf.unit)
        request.created_at = clock.aware(created)
        request.due_at = clock.aware(due)
        submitter = SOURCE_NAMES.get(request.source, SYSTEM_NAME)
        if request.source == RequestSource.PATROL:
            submitter = f"{draft.grid.branch_name or draft.grid.org_name}网格员"
        draft.events.append(
            (
                created,
                A.SUBMIT,
                "",
                S.REPORTED,
                submitter,
                source_label(request.source),
                {"due_at": request.due_at.isoformat(), "category": leaf.name},
            )
        )
        dispatcher = f"{draft.grid.org_name}受理员"
        calendar_days = leaf.unit == CD
        # 受理 (or 不予受理)
        if calendar_days:
            accepted = created + datetime.timedelta(minutes=rng.randint(5, 40))
        elif request.source in (RequestSource.PATROL, RequestSource.WALK_IN):
            accepted = created + datetime.timedelta(minutes=rng.randint(2, 20))
        else:
            accepted = clock.next_office(created + datetime.timedelta(minutes=rng.randint(5, 90)), rng)
        if open_state == S.REPORTED or (
            open_state is None and accepted >= self.now and created >= self.open_from
        ):
            self._open(draft, S.REPORTED, due)
            return
        # 不予受理 now and then; at least one recent one (still 不予受理, not yet archived).
        force_reject = not self.rejected_recently and self.now - self.archive_after < accepted < self.now
        if open_state is None and (rng.random() < REJECT_SHARE or force_reject):
            self.rejected_recently = self.rejected_recently or force_reject
            request.state = S.REJECTED
            request.rejection_reason = rng.choice(REJECT_REASONS)
            draft.events.append(
                (
                    accepted,
                    A.REJECT,
                    S.REPORTED,
                    S.REJECTED,
                    dispatcher,
                    request.rejection_reason,
                    {},
                )
            )
            archived = accepted + datetime.timedelta(days=30)
            if archived < self.now:
                request.state = S.ARCHIVED
                request.archived_at = clock.aware(archived)
                if full:
                    draft.events.append((archived, A.ARCHIVE, S.REJECTED, S.ARCHIVED, SYSTEM_NAME, "", {}))
            if not full:
                draft.events = [event for event in draft.events if event[1] in (A.SUBMIT, A.REJECT)]
            self._finish(draft)
            return
        request.accepted_at = clock.aware(accepted)
        draft.events.append((accepted, A.ACCEPT, S.REPORTED, S.ACCEPTED, dispatcher, "", {}))
        if open_state == S.ACCEPTED:
            self._open(draft, S.ACCEPTED, due)
            return
        dispatched = accepted + datetime.timedelta(minutes=rng.randint(3, 60))
        if dispatched >= self.now:
            self._open(draft, S.ACCEPTED, due)
            return
        org_id, org_path, department_id, handler_name = self.handler_of(draft)
        request.handler_org_id, request.handler_org_path, request.handler_department_id = (
            org_id,
            org_path,
            department_id,
        )
        request.dispatched_at = clock.aware(dispatched)
        draft.events.append(
            (
                dispatched,
                A.DISPATCH,
                S.ACCEPTED,
                S.DISPATCHED,
                dispatcher,
                "",
                {"handler": handler_name},
            )
        )
        if open_state == S.RETURNED:
            returned = dispatched + datetime.timedelta(hours=rng.uniform(0.5, 20))
            request.handler_org_id, request.handler_org_path, request.handler_department_id = None, "", None
            reason = rng.choice(RETURN_REASONS)
            draft.events.append(
                (
                    min(returned, self.now - ONE_MINUTE),
                    A.RETURN,
                    S.DISPATCHED,
                    S.RETURNED,
                    handler_name,
                    reason,
                    {},
                )
            )
            self._open(draft, S.RETURNED, due)
            return
        if open_state == S.DISPATCHED:
            self._open(draft, S.DISPATCHED, due)
            return
        started = dispatched + datetime.timedelta(minutes=rng.randint(10, 240))
        if started >= self.now:
            self._open(draft, S.DISPATCHED, due)
            return
        draft.events.append((started, A.START, S.DISPATCHED, S.IN_PROGRESS, handler_name, "", {}))
        if open_state == S.SUSPENDED:
            suspended = max(started + ONE_HOUR, self.now - datetime.timedelta(hours=rng.uniform(2, 60)))
            if suspended >= self.now:
                suspended = self.now - ONE_MINUTE
            request.suspended_at = clock.aware(suspended)
            request.state_before_suspension = S.IN_PROGRESS
            draft.events.append(
                (
                    suspended,
                    A.SUSPEND,
                    S.IN_PROGRESS,
                    S.SUSPENDED,
                    dispatcher,
                    rng.choice(SUSPEND_REASONS),
                    {},
                )
            )
            self._open(draft, S.SUSPENDED, due)
            return
        if open_state == S.IN_PROGRESS:
            self._maybe_whistle(draft, started, self.now, dispatcher, force=True)
            self._open(draft, S.IN_PROGRESS, due)
            return
        # 办结: log-normal around 45% of the time limit (wall time from report to deadline).
        span = (due - created).total_seconds()
        fraction = math.exp(rng.gauss(math.log(0.45), 0.5))
        resolved = created + datetime.timedelta(seconds=int(span * fraction))
        resolved = max(resolved, started + datetime.timedelta(minutes=rng.randint(20, 90)))
        if not calendar_days:
            resolved = clock.office_moment_before(resolved, started + datetime.timedelta(minutes=15), rng)
        feedback = resolved - min(datetime.timedelta(hours=rng.uniform(0.2, 3)), (resolved - started) / 3)
        if open_state == S.FEEDBACK or (open_state is None and resolved >= self.now):
            if open_state is None and created < self.open_from:
                resolved = self.now - datetime.timedelta(hours=rng.uniform(1, 48))
                feedback = max(started + ONE_MINUTE, resolved - ONE_HOUR)
            else:
                feedback = min(feedback, self.now - ONE_MINUTE)
                draft.events.append(
                    (
                        feedback,
                        A.FEEDBACK,
                        S.IN_PROGRESS,
                        S.FEEDBACK,
                        handler_name,
                        rng.choice(RESULTS),
                        {},
                    )
                )
                request.resolution = draft.events[-1][5]
                self._open(draft, S.FEEDBACK, due)
                return
        request.resolution = rng.choice(RESULTS)
        draft.events.append(
            (
                feedback,
                A.FEEDBACK,
                S.IN_PROGRESS,
                S.FEEDBACK,
                handler_name,
                request.resolution,
                {},
            )
        )
        self._maybe_whistle(draft, started, feedback, dispatcher)
        request.state = S.RESOLVED
        request.resolved_at = clock.aware(resolved)
        request.handling_working_hours = clock.working_hours(created, resolved)
        late = resolved > due
        if late:
            overdue = due + min(datetime.timedelta(minutes=rng.randint(1, 5)), (resolved - due) / 2)
            overdue = overdue.replace(microsecond=0)
            request.overdue_at = request.escalated_at = clock.aware(overdue)
            draft.events.append(
                (
                    overdue,
                    A.OVERDUE,
                    "",
                    "",
                    SYSTEM_NAME,
                    "",
                    {"due_at": request.due_at.isoformat()},
                )
            )
            if rng.random() < 0.3 and overdue + ONE_HOUR < resolved:
                request.is_supervised = True
                request.supervised_at = clock.aware(overdue + ONE_HOUR)
                draft.events.append(
                    (
                        overdue + ONE_HOUR,
                        A.SUPERVISE,
                        "",
                        "",
                        "街道督办员",
                        "超期未办结，请加快办理。",
                        {},
                    )
                )
        draft.events.append((resolved, A.APPROVE, S.FEEDBACK, S.RESOLVED, dispatcher, "", {}))
        invited = resolved + datetime.timedelta(days=3)
        if invited < self.now:
            request.rating_invited_at = clock.aware(invited)
            draft.events.append((invited, A.RATING_INVITED, "", "", SYSTEM_NAME, "", {}))
        if rng.random() < RATED_SHARE:
            rated = resolved + datetime.timedelta(hours=rng.uniform(2, 240))
            if rated < self.now:
                code = choose(rng, self.rating_late if late else self.rating_on_time)
                level = self.levels[code]
                recent = created >= self.open_from - datetime.timedelta(
                    days=30
                ) and rated < self.now - datetime.timedelta(hours=3)
                # At least one reopened request at every scale (the demo shows one).
                if recent and not self.reopened and self.bad_levels and not level.is_bad:
                    level = self.bad_levels[0]
                comment = rng.choice(BAD_COMMENTS) if level.is_bad else rng.choice(GOOD_COMMENTS)
                if level.is_bad and recent and (rng.random() < 0.5 or not self.reopened):
                    self._reopen(draft, resolved, rated, level, comment, handler_name, dispatcher)
                    return
                request.state = S.RATED
                request.rating_level, request.rating_is_bad = level.code, level.is_bad
                request.rating_comment, request.rated_at = comment, clock.aware(rated)
                draft.events.append(
                    (
                        rated,
                        A.RATE,
                        S.RESOLVED,
                        S.RATED,
                        RESIDENT_NAME,
                        level.name + (f"：{comment}" if comment else ""),
                        {},
                    )
                )
                if level.is_bad:
                    if rated > self.now - datetime.timedelta(days=14):
                        request.follow_up_state = FollowUpState.OPEN
                    else:
                        request.follow_up_state = FollowUpState.DONE
                        draft.events.append(
                            (
                                rated + datetime.timedelta(days=1),
                                A.FOLLOW_UP,
                                "",
                                "",
                                dispatcher,
                                "已回访居民并整改到位。",
                                {},
                            )
                        )
        archived = resolved + self.archive_after
        if archived < self.now and request.follow_up_state != FollowUpState.OPEN:
            draft.events.append((archived, A.ARCHIVE, request.state, S.ARCHIVED, SYSTEM_NAME, "", {}))
            request.state = S.ARCHIVED
            request.archived_at = clock.aware(archived)
        if not full:
            draft.events = [event for event in draft.events if event[1] in (A.SUBMIT, A.APPROVE)]
            draft.whistle = None
        self._finish(draft)

    def _reopen(self, draft, resolved, rated, level, comment, handler_name, dispatcher) -> None:
        """A 差评 led to 重新打开: the request is worked on again under a new deadline."""
        rng, clock, request = self.rng, self.clock, draft.request
        draft.events.append(
            (
                rated,
                A.RATE,
                S.RESOLVED,
                S.RATED,
                RESIDENT_NAME,
                level.name + (f"：{comment}" if comment else ""),
                {},
            )
        )
        reopened = min(rated + datetime.timedelta(hours=rng.uniform(1, 24)), self.now - ONE_HOUR)
        reopened = max(reopened, rated + ONE_MINUTE).replace(microsecond=0)
        draft.events.append((reopened, A.REOPEN, S.RATED, S.ACCEPTED, dispatcher, "居民差评，重新办理。", {}))
        request.reopen_count = 1
        request.follow_up_state = FollowUpState.DONE
        request.resolved_at = request.handling_working_hours = None
        request.rating_invited_at = request.overdue_at = request.escalated_at = None
        request.is_supervised, request.supervised_at = False, None
        draft.events = [event for event in draft.events if event[1] not in (A.OVERDUE, A.SUPERVISE)]
        due = clock.due(reopened, request.limit_amount, request.limit_unit)
        request.due_at = clock.aware(due)
        again = min(reopened + datetime.timedelta(minutes=rng.randint(10, 120)), self.now - ONE_MINUTE)
        request.dispatched_at = clock.aware(again)
        draft.events.append(
            (
                again,
                A.DISPATCH,
                S.ACCEPTED,
                S.DISPATCHED,
                dispatcher,
                "",
                {"handler": handler_name},
            )
        )
        self.reopened += 1
        self._open(draft, S.DISPATCHED, due)

    def _maybe_whistle(self, draft: Draft, started, until, dispatcher, force: bool = False) -> None:
        rng = self.rng
        if draft.created < self.full_from:
            return
        if not (rng.random() < 0.006 or (force and self.whistles_made == 0)):
            return
        departments = self.district_of.get(draft.grid.path[:4], {})
        if not departments:
            return
        department = departments[rng.choice(sorted(departments))]
        if department.pk == draft.request.handler_department_id:
            return
        if until - started < datetime.timedelta(minutes=20):
            return
        called = started + (until - started) * rng.uniform(0.05, 0.3)
        called = called.replace(microsecond=0)
        due = self.clock.due(called, department.report_limit_amount, department.report_limit_unit)
        draft.events.append(
            (
                called,
                A.WHISTLE,
                "",
                "",
                dispatcher,
                "涉及多部门职责，吹哨请求协同处置。",
                {"department": department.name, "report_due_at": self.clock.aware(due).isoformat()},
            )
        )
        reported = called + min(datetime.timedelta(minutes=rng.randint(20, 200)), (until - called) / 2)
        reported = reported.replace(microsecond=0)
        state, reported_at = WhistleState.CALLED, None
        if reported < self.now and rng.random() < 0.85:
            state, reported_at = WhistleState.REPORTED, reported
            draft.events.append(
                (
                    reported,
                    A.WHISTLE_REPORT,
                    S.IN_PROGRESS,
                    S.DISPATCHED,
                    department.name,
                    "已到现场报到。",
                    {"department": department.name, "on_time": reported <= due},
                )
            )
            draft.events.append(
                (
                    reported + ONE_MINUTE,
                    A.START,
                    S.DISPATCHED,
                    S.IN_PROGRESS,
                    department.name,
                    "",
                    {},
                )
            )
            draft.request.handler_org_id, draft.request.handler_org_path = None, ""
            draft.request.handler_department_id = department.pk
        elif due + ONE_MINUTE < min(until, self.now):
            state = WhistleState.OVERDUE
            data = {"department": department.name}
            draft.events.append((due + ONE_MINUTE, A.WHISTLE_OVERDUE, "", "", SYSTEM_NAME, "", data))
        draft.whistle = (department.pk, called, due, state, reported_at)
        self.whistles_made += 1

    def _open(self, draft: Draft, state: str, due: datetime.datetime) -> None:
        """An open request at ``state``; overdue ones carry the overdue mark (some 督办)."""
        request, rng = draft.request, self.rng
        request.state = state
        if state == S.SUSPENDED:
            pass
        elif due < self.now:
            overdue = due + datetime.timedelta(minutes=rng.randint(1, 5))
            request.overdue_at = request.escalated_at = self.clock.aware(overdue)
            draft.events.append(
                (
                    overdue,
                    A.OVERDUE,
                    "",
                    "",
                    SYSTEM_NAME,
                    "",
                    {"due_at": request.due_at.isoformat()},
                )
            )
            draft.events.append((overdue, A.ESCALATE, "", "", SYSTEM_NAME, "", {}))
            if rng.random() < 0.4:
                request.is_supervised = True
                request.supervised_at = self.clock.aware(overdue + ONE_HOUR)
                draft.events.append(
                    (
                        overdue + ONE_HOUR,
                        A.SUPERVISE,
                        "",
                        "",
                        "街道督办员",
                        "超期未办结，请加快办理。",
                        {},
                    )
                )
        elif due - self.remind_before < self.now and state in (
            S.ACCEPTED,
            S.DISPATCHED,
            S.IN_PROGRESS,
            S.RETURNED,
        ):
            reminded = max(draft.created, due - self.remind_before)
            request.reminded_at = self.clock.aware(reminded)
            draft.events.append(
                (
                    reminded,
                    A.REMIND,
                    "",
                    "",
                    SYSTEM_NAME,
                    "",
                    {"due_at": request.due_at.isoformat()},
                )
            )
        if not request.is_supervised and rng.random() < 0.03:
            supervised = self.now - datetime.timedelta(hours=rng.uniform(0.5, 10))
            if supervised > draft.created:
                request.is_supervised, request.supervised_at = True, self.clock.aware(supervised)
                draft.events.append(
                    (
                        supervised,
                        A.SUPERVISE,
                        "",
                        "",
                        "街道督办员",
                        "群众反映强烈，请优先办理。",
                        {},
                    )
                )
        self._finish(draft)

    def _finish(self, draft: Draft) -> None:
        request = draft.request
        request.updated_at = self.clock.aware(max(event[0] for event in draft.events))
        self.counts[request.state] += 1
        self.counts["requests"] += 1

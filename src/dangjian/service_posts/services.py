"""State changes of service posts: setting up and closing posts, claiming (领岗), the community's
confirmation with its 领岗协议书, renewal, withdrawal, expiry, and residents' notes on holders.

Who may do what:

- staff with ``add_post``/``change_post`` over the post's organization set posts up and close them;
- a party member claims a post **for themself** (``claim_post``, which the party_member role
  holds) when they belong to the post's organization subtree or have an active 双报到 report to
  the post's community; they withdraw or ask to renew their own claim;
- the community — staff with ``change_postclaim`` over the post — confirms or declines claims and
  renewals, withdraws a holder, and hides residents' comments.

Every function checks the permission, applies the rule (RuleViolation naming it), writes the
change and its audit line in one transaction; places are counted with the post row locked, so
two members claiming the last place at once get one place between them.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from dangjian.accounts.models import User
from dangjian.core import audit, notifications
from dangjian.core.choices import AuditAction
from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.redaction import redact
from dangjian.core.scoping import check_perm, has_perm_over, scope_of
from dangjian.dual_reporting.choices import ReportState
from dangjian.dual_reporting.models import MemberReport
from dangjian.dual_reporting.services import community_containing, own_member
from dangjian.members.models import PartyMember
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.service_posts.choices import HOLDING_STATES, ClaimState, PostKind, PostState
from dangjian.service_posts.models import Agreement, Post, PostClaim, ResidentNote
from dangjian.service_posts.roles import CLAIM

ADD_POST = "service_posts.add_post"
CHANGE_POST = "service_posts.change_post"
DECIDE = "service_posts.change_postclaim"
MODERATE = "service_posts.change_residentnote"
NOTICE = "service_posts"
POST_FIELDS = [
    "org",
    "area",
    "title",
    "duties",
    "kind",
    "starts_on",
    "ends_on",
    "places",
    "is_public",
    "state",
]
# Letters and digits that cannot be mistaken for one another when read out or typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_NOTE_LENGTH = 500


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: str | None) -> str:
    return (value or "").strip()


def _user(by) -> User | None:
    return by if getattr(by, "is_authenticated", False) else None


# --- who may claim --------------------------------------------------------------------------------


def community_of(post: Post) -> Area | None:
    """The community (社区) a post serves: its area's, else its organization's jurisdiction's."""
    area = post.area if post.area_id else post.org.jurisdiction
    if area is None or area.kind in (AreaKind.DISTRICT, AreaKind.STREET):
        return None
    return community_containing(area)


def is_eligible(member: PartyMember, post: Post) -> bool:
    """Whether ``member`` may claim ``post``: a member of the post organization's subtree, or one
    with an active 双报到 report to the post's community (在职党员到居住地社区报到)."""
    if not member.is_active:
        return False
    if member.org.path.startswith(post.org.path):
        return True
    community = community_of(post)
    reports = MemberReport.objects.filter(member=member, state=ReportState.ACTIVE)
    where = Q(community_org=post.org)
    if community is not None:
        where |= Q(community=community)
    return reports.filter(where).exists()


def claimable_posts(member: PartyMember):
    """Open posts in their period that ``member`` may claim (and does not hold or wait for)."""
    today = _today()
    communities = list(
        MemberReport.objects.filter(member=member, state=ReportState.ACTIVE).values_list(
            "community__path", "community_org_id"
        )
    )
    ancestors = [
        member.org.path[:end]
        for end in range(Organization.steplen, len(member.org.path) + 1, Organization.steplen)
    ]
    where = Q(org__path__in=ancestors)
    for community_path, community_org_id in communities:
        where |= Q(area__path__startswith=community_path) | Q(
            area__isnull=True, org__jurisdiction__path__startswith=community_path
        )
        if community_org_id:
            where |= Q(org_id=community_org_id)
    holding = PostClaim.objects.filter(member=member, state__in=HOLDING_STATES).values("post_id")
    return (
        Post.objects.filter(where, state=PostState.OPEN, ends_on__gte=today)
        .exclude(pk__in=holding)
        .select_related("org", "area")
        .order_by("ends_on", "id")
    )


def is_own(user, claim: PostClaim) -> bool:
    """Whether ``claim`` is the signed-in member's own."""
    person_id = getattr(user, "person_id", None)
    return person_id is not None and claim.member.person_id == person_id


def may_decide(user, post: Post) -> bool:
    return has_perm_over(user, DECIDE, post)


def _check_decide(user, post: Post) -> None:
    if not may_decide(user, post):
        raise PermissionDenied(
            gettext("Only the staff of the post's organization can decide on claims of this post."),
            rule="post_staff",
        )


# --- posts ----------------------------------------------------------------------------------------


def _validate_post(post: Post) -> None:
    post.title = _text(post.title)
    post.duties = _text(post.duties)
    if not post.title:
        raise RuleViolation(gettext("Give the post a title."), rule="required", field="title")
    if not post.duties:
        raise RuleViolation(gettext("Describe the duties of the post."), rule="required", field="duties")
    if post.kind not in PostKind.values:
        raise RuleViolation(gettext("Choose a valid kind."), rule="post_kind", field="kind")
    if post.ends_on < post.starts_on:
        raise RuleViolation(
            gettext("The post cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": post.ends_on, "start": post.starts_on},
            rule="end_before_start",
            field="ends_on",
        )
    if not post.places or post.places < 1:
        raise RuleViolation(gettext("A post has at least one place."), rule="places_positive", field="places")
    if post.area_id and not (
        post.area.path.startswith(post.org.jurisdiction.path) if post.org.jurisdiction_id else False
    ):
        raise RuleViolation(
            gettext("The area “%(area)s” lies outside the jurisdiction of %(org)s.")
            % {"area": post.area.name, "org": post.org.name},
            rule="area_outside_org",
            field="area",
        )


def create_post(
    *,
    by,
    org: Organization,
    title: str,
    duties: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    places: int = 1,
    kind: str = PostKind.SERVICE,
    area: Area | None = None,
    is_public: bool = True,
) -> Post:
    """Set up a post at ``org`` (设岗定责)."""
    with transaction.atomic():
        post = Post(
            org=org,
            area=area,
            title=title,
            duties=duties,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            places=places,
            is_public=is_public,
            created_by=_user(by),
        )
        check_perm(by, ADD_POST, post)
        if not org.is_active:
            raise RuleViolation(
                gettext("The organization “%(name)s” is deactivated.") % {"name": org.name},
                rule="inactive_org",
            )
        _validate_post(post)
        post.save()
        audit.record(
            AuditAction.CREATE, post, by=by, changes=audit.diff({}, audit.snapshot(post, POST_FIELDS))
        )
    return post


def update_post(post: Post, *, by, version: int, **fields) -> Post:
    """Edit a post; an edit based on an older version is refused (someone changed it meanwhile).

    Places cannot drop below the claims holding them; the agreements already issued keep their words.
    """
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("org", "area").get(pk=post.pk)
        check_perm(by, CHANGE_POST, post)
        if post.version != version:
            raise ConcurrentChange(
                gettext("Someone changed this post meanwhile; reload the page and make your change again."),
                rule="stale_version",
            )
        before = audit.snapshot(post, POST_FIELDS)
        for name, value in fields.items():
            if name not in POST_FIELDS or name == "state":
                raise ValueError(f"Not an editable field of a post: {name}")
            setattr(post, name, value)
        _validate_post(post)
        check_perm(by, CHANGE_POST, post)  # still within the editor's scope after a move
        holding = post.claims.filter(state__in=HOLDING_STATES).count()
        if post.places < holding:
            raise RuleViolation(
                gettext("%(count)s members hold or claimed this post; it needs at least %(count)s places.")
                % {"count": holding},
                rule="places_below_holders",
                field="places",
            )
        post.version += 1
        post.save()
        audit.record(
            AuditAction.UPDATE, post, by=by, changes=audit.diff(before, audit.snapshot(post, POST_FIELDS))
        )
    return post


def close_post(post: Post, *, by) -> Post:
    """Close a post: it takes no more claims; its holders keep their agreements until they end."""
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("org", "area").get(pk=post.pk)
        check_perm(by, CHANGE_POST, post)
        if post.state == PostState.CLOSED:
            raise RuleViolation(gettext("This post is already closed."), rule="post_closed")
        post.state = PostState.CLOSED
        post.version += 1
        post.save(update_fields=["state", "version"])
        audit.record(AuditAction.UPDATE, post, by=by, changes={"state": [PostState.OPEN, PostState.CLOSED]})
    return post


# --- claims ---------------------------------------------------------------------------------------


def _notify_member(claim: PostClaim, title: str, body: str = "", *, key: str) -> None:
    """A notice to the member's own account (none when they have no login)."""
    user = User.objects.filter(person_id=claim.member.person_id, is_active=True).first()
    if user is None:
        return
    notifications.notify(
        kind=NOTICE,
        user=user,
        title=title,
        body=body,
        link=reverse("mine:index"),
        dedupe_key=key,
    )


def _notify_office(claim: PostClaim, title: str, *, key: str) -> None:
    notifications.notify(
        kind=NOTICE,
        org=claim.post.org,
        title=title,
        link=reverse("service_posts:post_detail", kwargs={"pk": claim.post_id}),
        permission=DECIDE,
        obj=claim.post,
        dedupe_key=key,
    )


def _locked_claim(claim: PostClaim) -> PostClaim:
    return (
        PostClaim.objects.select_for_update(of=("self",))
        .select_related("post__org", "post__area", "member__person", "member__org")
        .get(pk=claim.pk)
    )


def _refuse_state(claim: PostClaim, *allowed: str) -> None:
    if claim.state not in allowed:
        raise RuleViolation(
            gettext("This claim is “%(state)s”; that cannot be done now.")
            % {"state": claim.get_state_display()},
            rule="claim_state",
        )


def claim_post(post: Post, *, by, member: PartyMember | None = None) -> PostClaim:
    """A member claims a post for themself (领岗); the community confirms it afterwards.

    The post row is locked while its places are counted: of two members claiming the last place
    at the same moment, the second is told the post is full.
    """
    member = member or own_member(by)
    if member is None or getattr(by, "person_id", None) != member.person_id:
        raise PermissionDenied(
            gettext("Only a party member can claim a post, for themself."), rule="self_only"
        )
    if not scope_of(by).has_any(CLAIM):
        raise PermissionDenied(gettext("Your account may not claim service posts."), rule="claim_permission")
    today = _today()
    with transaction.atomic():
        post = (
            Post.objects.select_for_update(of=("self",))
            .select_related("org__jurisdiction", "area")
            .get(pk=post.pk)
        )
        member = PartyMember.objects.select_related("org", "person").get(pk=member.pk)
        if not member.is_active:
            raise RuleViolation(
                gettext("%(name)s is not an active party member.") % {"name": member}, rule="inactive_member"
            )
        if post.state != PostState.OPEN or post.ends_on < today:
            raise RuleViolation(gettext("This post is closed or its period is over."), rule="post_closed")
        if not is_eligible(member, post):
            raise RuleViolation(
                gettext(
                    "This post is for the members of %(org)s and those who reported to its community "
                    "(双报到); you are neither."
                )
                % {"org": post.org.name},
                rule="not_eligible",
            )
        holding = list(post.claims.filter(state__in=HOLDING_STATES).values_list("member_id", flat=True))
        if member.pk in holding:
            raise RuleViolation(gettext("You have already claimed this post."), rule="double_claim")
        if len(holding) >= post.places:
            raise RuleViolation(
                gettext("All %(places)s places of this post are taken.") % {"places": post.places},
                rule="places_full",
            )
        try:
            with transaction.atomic():
                claim = PostClaim.objects.create(
                    post=post, member=member, starts_on=max(today, post.starts_on), ends_on=post.ends_on
                )
        except IntegrityError as error:
            raise RuleViolation(
                gettext("You have already claimed this post."), rule="double_claim"
            ) from error
        audit.record(
            AuditAction.CREATE,
            claim,
            by=by,
            changes=audit.diff(
                {}, audit.snapshot(claim, ["post", "member", "state", "starts_on", "ends_on"])
            ),
        )
        _notify_office(
            claim,
            gettext("%(member)s claimed the post “%(post)s”; please confirm or decline.")
            % {"member": member.person.name, "post": post.title},
            key=f"service-posts-claimed-{claim.pk}",
        )
    return claim


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _issue(claim: PostClaim, *, by, version: int, starts_on: datetime.date) -> Agreement:
    """The 领岗协议书 of ``claim`` for its current period, its words frozen as of today."""
    today = _today()
    post = claim.post
    agreement = Agreement.objects.create(
        claim=claim,
        version=version,
        number=f"LG{today:%Y}{claim.pk:06d}-{version}",
        code=_new_code(),
        issued_on=today,
        starts_on=starts_on,
        ends_on=claim.ends_on,
        post_title=post.title,
        post_kind=post.kind,
        duties=post.duties,
        org_name=post.org.name,
        member_name=claim.member.person.name,
        issued_by=_user(by),
    )
    audit.record(
        AuditAction.CREATE,
        agreement,
        by=by,
        changes=audit.diff({}, audit.snapshot(agreement, ["number", "version", "starts_on", "ends_on"])),
    )
    return agreement


def confirm_claim(claim: PostClaim, *, by) -> Agreement:
    """The community confirms a claim: the member holds the post and a 领岗协议书 is issued (and,
    for a public post, published on the portal)."""
    with transaction.atomic():
        claim = _locked_claim(claim)
        _check_decide(by, claim.post)
        _refuse_state(claim, ClaimState.CLAIMED)
        if claim.ends_on < _today():
            raise RuleViolation(gettext("The period of this claim is already over."), rule="period_over")
        claim.state = ClaimState.CONFIRMED
        claim.decided_at = timezone.now()
        claim.decided_by = _user(by)
        claim.version += 1
        claim.save(update_fields=["state", "decided_at", "decided_by", "version"])
        audit.record(
            AuditAction.UPDATE, claim, by=by, changes={"state": [ClaimState.CLAIMED, ClaimState.CONFIRMED]}
        )
        agreement = _issue(claim, by=by, version=1, starts_on=claim.starts_on)
        _notify_member(
            claim,
            gettext("Your claim of “%(post)s” is confirmed; agreement %(number)s is issued.")
            % {"post": claim.post.title, "number": agreement.number},
            key=f"service-posts-confirmed-{claim.pk}",
        )
    return agreement


def decline_claim(claim: PostClaim, *, by, reason: str) -> PostClaim:
    """The community declines a claim, or the renewal a holder asked for, saying why."""
    reason = _text(reason)
    if not reason:
        raise RuleViolation(gettext("Say why the claim is declined."), rule="reason_required", field="reason")
    with transaction.atomic():
        claim = _locked_claim(claim)
        _check_decide(by, claim.post)
        if claim.state == ClaimState.CONFIRMED and claim.renewal_ends_on is not None:
            asked = claim.renewal_ends_on
            claim.renewal_ends_on = None
            claim.version += 1
            claim.save(update_fields=["renewal_ends_on", "version"])
            audit.record(
                AuditAction.UPDATE,
                claim,
                by=by,
                changes={"renewal_ends_on": [asked.isoformat(), None]},
                note=reason,
            )
            _notify_member(
                claim,
                gettext("The renewal of “%(post)s” was declined: %(reason)s")
                % {"post": claim.post.title, "reason": reason},
                key=f"service-posts-renewal-declined-{claim.pk}-{asked}",
            )
            return claim
        _refuse_state(claim, ClaimState.CLAIMED)
        claim.state = ClaimState.DECLINED
        claim.reason = reason
        claim.decided_at = timezone.now()
        claim.decided_by = _user(by)
        claim.version += 1
        claim.save(update_fields=["state", "reason", "decided_at", "decided_by", "version"])
        audit.record(
            AuditAction.UPDATE,
            claim,
            by=by,
            changes={"state": [ClaimState.CLAIMED, ClaimState.DECLINED]},
            note=reason,
        )
        _notify_member(
            claim,
            gettext("Your claim of “%(post)s” was declined: %(reason)s")
            % {"post": claim.post.title, "reason": reason},
            key=f"service-posts-declined-{claim.pk}",
        )
    return claim


def withdraw_claim(claim: PostClaim, *, by, reason: str) -> PostClaim:
    """The member gives up a claim or a post they hold, or the community withdraws them; with a reason."""
    reason = _text(reason)
    if not reason:
        raise RuleViolation(
            gettext("Say why the claim is withdrawn."), rule="reason_required", field="reason"
        )
    with transaction.atomic():
        claim = _locked_claim(claim)
        own = is_own(by, claim)
        if not own:
            _check_decide(by, claim.post)
        _refuse_state(claim, *HOLDING_STATES)
        before = claim.state
        claim.state = ClaimState.WITHDRAWN
        claim.reason = reason
        claim.renewal_ends_on = None
        claim.ended_on = _today()
        claim.version += 1
        claim.save(update_fields=["state", "reason", "renewal_ends_on", "ended_on", "version"])
        audit.record(
            AuditAction.UPDATE,
            claim,
            by=by,
            changes={"state": [before, ClaimState.WITHDRAWN]},
            note=(
                gettext("Withdrawn by the member: %(reason)s")
                if own
                else gettext("Withdrawn by the organization: %(reason)s")
            )
            % {"reason": reason},
        )
        if own:
            _notify_office(
                claim,
                gettext("%(member)s withdrew from the post “%(post)s”: %(reason)s")
                % {"member": claim.member.person.name, "post": claim.post.title, "reason": reason},
                key=f"service-posts-withdrawn-{claim.pk}",
            )
        else:
            _notify_member(
                claim,
                gettext("You were withdrawn from the post “%(post)s”: %(reason)s")
                % {"post": claim.post.title, "reason": reason},
                key=f"service-posts-withdrawn-{claim.pk}",
            )
    return claim


def request_renewal(claim: PostClaim, *, by, ends_on: datetime.date) -> PostClaim:
    """The holder asks to hold the post for a new period, up to ``ends_on``; the community confirms."""
    with transaction.atomic():
        claim = _locked_claim(claim)
        if not is_own(by, claim):
            _check_decide(by, claim.post)
        _refuse_state(claim, ClaimState.CONFIRMED)
        if claim.renewal_ends_on is not None:
            raise RuleViolation(
                gettext("A renewal is already waiting for confirmation."), rule="renewal_pending"
            )
        if ends_on <= claim.ends_on:
            raise RuleViolation(
                gettext("A renewal runs past the current end (%(end)s).") % {"end": claim.ends_on},
                rule="renewal_not_later",
                field="ends_on",
            )
        if ends_on > claim.post.ends_on:
            raise RuleViolation(
                gettext("The post runs until %(end)s; ask the organization to extend the post first.")
                % {"end": claim.post.ends_on},
                rule="renewal_past_post",
                field="ends_on",
            )
        if claim.post.state != PostState.OPEN:
            raise RuleViolation(gettext("This post is closed; it cannot be renewed."), rule="post_closed")
        claim.renewal_ends_on = ends_on
        claim.version += 1
        claim.save(update_fields=["renewal_ends_on", "version"])
        audit.record(
            AuditAction.UPDATE, claim, by=by, changes={"renewal_ends_on": [None, ends_on.isoformat()]}
        )
        _notify_office(
            claim,
            gettext("%(member)s asks to renew the post “%(post)s” until %(end)s.")
            % {"member": claim.member.person.name, "post": claim.post.title, "end": ends_on},
            key=f"service-posts-renewal-{claim.pk}-{ends_on}",
        )
    return claim


def confirm_renewal(claim: PostClaim, *, by) -> Agreement:
    """The community confirms a renewal: the new period gets a new version of the agreement."""
    with transaction.atomic():
        claim = _locked_claim(claim)
        _check_decide(by, claim.post)
        _refuse_state(claim, ClaimState.CONFIRMED)
        if claim.renewal_ends_on is None:
            raise RuleViolation(gettext("No renewal is waiting for confirmation."), rule="no_renewal")
        before = claim.ends_on
        new_start = max(before + datetime.timedelta(days=1), _today())
        claim.ends_on = claim.renewal_ends_on
        claim.renewal_ends_on = None
        claim.version += 1
        claim.save(update_fields=["ends_on", "renewal_ends_on", "version"])
        audit.record(
            AuditAction.UPDATE,
            claim,
            by=by,
            changes={"ends_on": [before.isoformat(), claim.ends_on.isoformat()]},
        )
        version = (claim.agreements.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        agreement = _issue(claim, by=by, version=version, starts_on=new_start)
        _notify_member(
            claim,
            gettext("The renewal of “%(post)s” until %(end)s is confirmed; agreement %(number)s is issued.")
            % {"post": claim.post.title, "end": claim.ends_on, "number": agreement.number},
            key=f"service-posts-renewed-{claim.pk}-{version}",
        )
    return agreement


def expire_claims(today: datetime.date | None = None) -> int:
    """Mark claims whose period is over as expired and tell the members; safe to run twice.

    Each claim is taken with a conditional UPDATE (state still holding, version unchanged), so two
    workers never expire — and notify — the same claim twice.
    """
    today = today or _today()
    due = list(
        PostClaim.objects.filter(state__in=HOLDING_STATES, ends_on__lt=today)
        .select_related("post__org", "post__area", "member__person")
        .order_by("pk")[:5000]
    )
    expired = 0
    for claim in due:
        with transaction.atomic():
            taken = PostClaim.objects.filter(pk=claim.pk, state=claim.state, version=claim.version).update(
                state=ClaimState.EXPIRED,
                ended_on=claim.ends_on,
                renewal_ends_on=None,
                version=claim.version + 1,
            )
            if taken != 1:
                continue
            audit.record(
                AuditAction.UPDATE,
                claim,
                changes={"state": [claim.state, ClaimState.EXPIRED]},
                note=gettext("The period ended on %(end)s.") % {"end": claim.ends_on},
                username="scheduler",
            )
            _notify_member(
                claim,
                gettext("Your post “%(post)s” ended on %(end)s. Claim it again or ask for a renewal in time.")
                % {"post": claim.post.title, "end": claim.ends_on},
                key=f"service-posts-expired-{claim.pk}",
            )
            expired += 1
    return expired


# --- residents' notes -----------------------------------------------------------------------------


def current_agreement(claim: PostClaim) -> Agreement | None:
    return claim.agreements.order_by("-version").first()


def leave_note(
    agreement: Agreement, *, kind: str, author_name: str, phone_hash: str, text: str
) -> ResidentNote:
    """A resident's comment on a holder (shown on the portal, masked) or message to the holder.

    The caller has proved the phone with a verification code. Phone and ID numbers written into
    the text are removed; a message reaches the holder as a notice on the platform (no phone of
    either side is passed on).
    """
    author_name = _text(author_name)[:50]
    text = redact(_text(text))[:MAX_NOTE_LENGTH]
    if not author_name:
        raise RuleViolation(
            gettext("Please give your name (it is shown as 张*)."), rule="required", field="name"
        )
    if not text:
        raise RuleViolation(gettext("Please write what you want to say."), rule="required", field="text")
    if kind not in (ResidentNote.COMMENT, ResidentNote.MESSAGE):
        raise ValueError(kind)
    with transaction.atomic():
        claim = _locked_claim(agreement.claim)
        if not claim.post.is_public:
            raise PermissionDenied(gettext("This post is not published."), rule="not_public")
        if kind == ResidentNote.MESSAGE and claim.state != ClaimState.CONFIRMED:
            raise RuleViolation(gettext("This member no longer holds the post."), rule="not_holding")
        note = ResidentNote.objects.create(
            claim=claim, kind=kind, author_name=author_name, phone_hash=phone_hash, text=text
        )
        audit.record(
            AuditAction.CREATE,
            note,
            changes={"kind": [None, kind]},
            object_repr=f"{agreement.number} · {masked_name(author_name)}",
            username="portal",
        )
        if kind == ResidentNote.MESSAGE:
            _notify_member(
                claim,
                gettext("A resident (%(name)s) wrote to you about the post “%(post)s”")
                % {"name": masked_name(author_name), "post": claim.post.title},
                text,
                key=f"service-posts-message-{note.pk}",
            )
    return note


def hide_note(note: ResidentNote, *, by, reason: str) -> ResidentNote:
    """Staff hide a resident's comment from the portal (abuse, private data), saying why; it stays on record."""
    reason = _text(reason)
    if not reason:
        raise RuleViolation(gettext("Say why the comment is hidden."), rule="reason_required", field="reason")
    with transaction.atomic():
        note = (
            ResidentNote.objects.select_for_update(of=("self",))
            .select_related("claim__post__org", "claim__post__area")
            .get(pk=note.pk)
        )
        check_perm(by, MODERATE, note)
        if note.is_hidden:
            raise RuleViolation(gettext("This comment is already hidden."), rule="already_hidden")
        note.is_hidden = True
        note.hidden_reason = reason[:200]
        note.hidden_by = _user(by)
        note.hidden_at = timezone.now()
        note.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at"])
        audit.record(AuditAction.UPDATE, note, by=by, changes={"is_hidden": [False, True]}, note=reason)
    return note


def masked_name(name: str) -> str:
    """A name as the portal shows it: the first character and a star for each other one (张*, 欧阳**)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)

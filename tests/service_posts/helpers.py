"""Builders for the service-post tests: posts of 社区A党委 and 社区B党委, members with their own
logins, claims and agreements written through the services or directly."""

from __future__ import annotations

import datetime

from django.utils import timezone

from dangjian.accounts.choices import BuiltinRole
from dangjian.accounts.models import User
from dangjian.members.models import PartyMember
from dangjian.orgs.models import Organization
from dangjian.service_posts import services
from dangjian.service_posts.choices import ClaimState
from dangjian.service_posts.models import Agreement, Post, PostClaim
from tests.factories import PersonFactory, UserFactory, assign

DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.localdate()


def post_at(org: Organization, title: str = "楼道文明引导岗", *, places: int = 2, **fields) -> Post:
    fields.setdefault("starts_on", today() - 10 * DAY)
    fields.setdefault("ends_on", today() + 300 * DAY)
    fields.setdefault("duties", "每周巡查楼道一次，劝导文明行为，收集居民意见。")
    return Post.objects.create(org=org, title=title, places=places, **fields)


def member_of(
    org: Organization, name: str = "张先锋", username: str | None = None
) -> tuple[PartyMember, User]:
    """A party member of ``org`` with their own login and the party_member role."""
    member = PartyMember.objects.create(person=PersonFactory(name=name), org=org)
    user = UserFactory(username=username or f"m{member.pk}", person=member.person)
    assign(user, BuiltinRole.PARTY_MEMBER, org)
    return member, user


def claimed(post: Post, member: PartyMember, state: str = ClaimState.CLAIMED, **fields) -> PostClaim:
    fields.setdefault("starts_on", post.starts_on)
    fields.setdefault("ends_on", post.ends_on)
    return PostClaim.objects.create(post=post, member=member, state=state, **fields)


def confirmed(post: Post, member: PartyMember, by: User) -> tuple[PostClaim, Agreement]:
    claim = claimed(post, member)
    agreement = services.confirm_claim(claim, by=by)
    claim.refresh_from_db()
    return claim, agreement


# --- objects of the permission tables: found again when a row asks twice ----------------------


def post_in(org: Organization, *, public: bool = True) -> Post:
    title = "楼道文明引导岗" if public else "内部值守岗"
    found = Post.objects.filter(org=org, title=title).first()
    return found or post_at(org, title, places=5, is_public=public)


def claim_in(org: Organization, member_org: Organization, state: str, *, renewal: bool = False) -> PostClaim:
    """A claim of ``org``'s post by a member of ``member_org`` (no login), in ``state``."""
    post = post_in(org)
    name = f"{state}{'续' if renewal else ''}"
    found = PostClaim.objects.filter(post=post, member__person__name=name).first()
    if found is not None:
        return found
    member = PartyMember.objects.create(person=PersonFactory(name=name), org=member_org)
    return claimed(
        post,
        member,
        state=state,
        ends_on=today() + 30 * DAY,
        renewal_ends_on=today() + 200 * DAY if renewal else None,
        decided_at=timezone.now() if state != ClaimState.CLAIMED else None,
    )


def agreement_in(org: Organization, member_org: Organization, *, public: bool = True) -> Agreement:
    post = post_in(org, public=public)
    found = Agreement.objects.filter(claim__post=post).first()
    if found is not None:
        return found
    member = PartyMember.objects.create(person=PersonFactory(name="刘领岗"), org=member_org)
    claim = claimed(post, member, state=ClaimState.CONFIRMED, decided_at=timezone.now())
    return services._issue(claim, by=None, version=1, starts_on=claim.starts_on)


def make_secretary_a_a_member(world) -> None:
    """secretary_a (when she exists) is also a party member of 社区A's branch with the member role."""
    user = User.objects.filter(username="secretary_a").first()
    if user is not None and user.person_id is None:
        user.person = PersonFactory(name="李书记")
        user.save(update_fields=["person"])
        PartyMember.objects.create(person=user.person, org=world.branch_a1)
        assign(user, BuiltinRole.PARTY_MEMBER, world.branch_a1)

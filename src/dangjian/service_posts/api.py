"""API of service posts at /api/v1/posts: posts, claims and the community's decisions through the
same service functions as the pages, and the published agreements, which answer without a login
(the portal's data: holders named masked, no phone). Records outside the caller's scope answer 404.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.core.validators import EventDate
from dangjian.dual_reporting.services import own_member
from dangjian.service_posts import services
from dangjian.service_posts.choices import ClaimState, PostKind, PostState
from dangjian.service_posts.models import Agreement, Post, PostClaim

router = Router(tags=["service_posts"])

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
CLAIM_RELATED = ["post__org", "post__area", "member__person", "member__org"]


# --- schemas ----------------------------------------------------------------------------------


class PostOut(Schema):
    id: int
    org_id: int
    org_name: str
    area_id: int | None
    title: str
    duties: str
    kind: PostKind
    starts_on: datetime.date
    ends_on: datetime.date
    places: int
    is_public: bool
    state: PostState
    version: int

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


class ClaimOut(Schema):
    id: int
    post_id: int
    post_title: str
    member_id: int
    member_name: str
    state: ClaimState
    starts_on: datetime.date
    ends_on: datetime.date
    renewal_ends_on: datetime.date | None
    reason: str
    claimed_at: datetime.datetime
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_post_title(obj) -> str:
        return obj.post.title

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.person.name


class AgreementOut(Schema):
    id: int
    claim_id: int
    version: int
    number: str
    code: str
    issued_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    post_title: str
    duties: str
    org_name: str
    member_name: str


class PublicAgreementOut(Schema):
    """An agreement as residents see it: the holder's name masked, the state of the claim."""

    number: str
    code: str
    version: int
    issued_on: datetime.date
    starts_on: datetime.date
    ends_on: datetime.date
    post_title: str
    post_kind: PostKind
    duties: str
    org_name: str
    holder: str
    holding: bool

    @staticmethod
    def resolve_holder(obj) -> str:
        return services.masked_name(obj.member_name)

    @staticmethod
    def resolve_holding(obj) -> bool:
        return obj.claim.state == ClaimState.CONFIRMED


class PostPage(Schema):
    items: list[PostOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class ClaimPage(Schema):
    items: list[ClaimOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PublicAgreementPage(Schema):
    items: list[PublicAgreementOut]
    next: int | None = Field(None, description="Pass as `offset` for the next page; null on the last page.")


class PageParams(Schema):
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000)


class PostListParams(PageParams):
    org_id: int | None = Field(None, description="Posts of this organization's subtree.")
    state: PostState | None = None


class ClaimListParams(PageParams):
    post_id: int | None = None
    state: ClaimState | None = None


class InputSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=500)


class RenewIn(InputSchema):
    ends_on: EventDate


# --- helpers ----------------------------------------------------------------------------------


def _page(queryset, params: PageParams) -> dict:
    rows = list(queryset[params.offset : params.offset + params.limit + 1])
    has_next = len(rows) > params.limit
    return {"items": rows[: params.limit], "next": params.offset + params.limit if has_next else None}


def _claim(request: HttpRequest, id: int) -> PostClaim:
    """A claim the caller may read: in scope, or their own."""
    claim = PostClaim.objects.select_related(*CLAIM_RELATED).filter(pk=id).first()
    if claim is None:
        raise Http404
    if services.is_own(request.user, claim):
        return claim
    if not PostClaim.objects.visible_to(request.user).filter(pk=id).exists():
        raise Http404
    return claim


# --- posts ------------------------------------------------------------------------------------


@router.get("", response=PostPage, url_name="post_list")
def post_list(request: HttpRequest, params: Query[PostListParams]) -> dict:
    """Posts the caller sees (staff); newest first."""
    if not scope_of(request.user).has_any("service_posts.view_post"):
        raise PermissionDenied(gettext("You do not have permission to view service posts."), rule="scope")
    posts = Post.objects.visible_to(request.user).select_related("org").order_by("-starts_on", "-id")
    if params.org_id is not None:
        posts = posts.filter(org_id__in=_org_subtree(request, params.org_id))
    if params.state:
        posts = posts.filter(state=params.state.value)
    return _page(posts, params)


def _org_subtree(request: HttpRequest, org_id: int):
    from dangjian.orgs.models import Organization

    org = get_object_or_404(Organization.objects.visible_to(request.user), pk=org_id)
    return Organization.objects.filter(path__startswith=org.path).values("pk")


@router.get("/{id:id}", response=PostOut, url_name="post_detail")
def post_detail(request: HttpRequest, id: int) -> Post:
    return get_object_or_404(Post.objects.visible_to(request.user).select_related("org"), pk=id)


@router.post("/{id:id}/claim", response={201: ClaimOut}, url_name="post_claim")
def post_claim(request: HttpRequest, id: int) -> Status:
    """The caller, a party member, claims the post for themself."""
    member = own_member(request.user)
    post = get_object_or_404(Post.objects.select_related("org__jurisdiction", "area"), pk=id)
    if member is None or not services.is_eligible(member, post):
        raise Http404
    claim = services.claim_post(post, by=request.user, member=member)
    return Status(201, _claim(request, claim.pk))


# --- claims -----------------------------------------------------------------------------------


@router.get("/claims", response=ClaimPage, url_name="post_claim_list")
def claim_list(request: HttpRequest, params: Query[ClaimListParams]) -> dict:
    """Claims of posts in the caller's scope, and the caller's own; newest first."""
    visible = (
        PostClaim.objects.visible_to(request.user)
        if scope_of(request.user).has_any("service_posts.view_postclaim")
        else PostClaim.objects.none()
    )
    where = Q(pk__in=visible.values("pk"))
    person_id = getattr(request.user, "person_id", None)
    if person_id:
        where |= Q(member__person_id=person_id)
    claims = PostClaim.objects.filter(where).select_related(*CLAIM_RELATED).order_by("-claimed_at", "-id")
    if params.post_id is not None:
        claims = claims.filter(post_id=params.post_id)
    if params.state:
        claims = claims.filter(state=params.state.value)
    return _page(claims, params)


@router.get("/claims/{id:id}", response=ClaimOut, url_name="post_claim_detail")
def claim_detail(request: HttpRequest, id: int) -> PostClaim:
    return _claim(request, id)


@router.post("/claims/{id:id}/confirm", response=AgreementOut, url_name="post_claim_confirm")
def claim_confirm(request: HttpRequest, id: int) -> Agreement:
    """The community confirms; answers the 领岗协议书 issued."""
    return services.confirm_claim(_claim(request, id), by=request.user)


@router.post("/claims/{id:id}/decline", response=ClaimOut, url_name="post_claim_decline")
def claim_decline(request: HttpRequest, id: int, payload: ReasonIn) -> PostClaim:
    services.decline_claim(_claim(request, id), by=request.user, reason=payload.reason)
    return _claim(request, id)


@router.post("/claims/{id:id}/withdraw", response=ClaimOut, url_name="post_claim_withdraw")
def claim_withdraw(request: HttpRequest, id: int, payload: ReasonIn) -> PostClaim:
    services.withdraw_claim(_claim(request, id), by=request.user, reason=payload.reason)
    return _claim(request, id)


@router.post("/claims/{id:id}/renew", response=ClaimOut, url_name="post_claim_renew")
def claim_renew(request: HttpRequest, id: int, payload: RenewIn) -> PostClaim:
    services.request_renewal(_claim(request, id), by=request.user, ends_on=payload.ends_on)
    return _claim(request, id)


@router.post("/claims/{id:id}/renewal/confirm", response=AgreementOut, url_name="post_renewal_confirm")
def renewal_confirm(request: HttpRequest, id: int) -> Agreement:
    return services.confirm_renewal(_claim(request, id), by=request.user)


# --- published agreements (no login) ------------------------------------------------------------


def _published():
    return Agreement.objects.filter(claim__post__is_public=True).select_related("claim")


def _latest_versions(agreements):
    newer = Agreement.objects.filter(claim=OuterRef("claim"), version__gt=OuterRef("version"))
    return agreements.exclude(Exists(newer))


@router.get("/public/agreements", response=PublicAgreementPage, auth=None, url_name="post_public_agreements")
def public_agreements(request: HttpRequest, params: Query[PageParams]) -> dict:
    """The agreements of members holding published posts now (the portal's list)."""
    agreements = (
        _latest_versions(_published())
        .filter(claim__state=ClaimState.CONFIRMED, ends_on__gte=timezone.localdate())
        .order_by("-issued_on", "-id")
    )
    return _page(agreements, params)


@router.get(
    "/public/agreements/{code}", response=PublicAgreementOut, auth=None, url_name="post_public_agreement"
)
def public_agreement(request: HttpRequest, code: str) -> Agreement:
    code = code.strip().upper()
    if not code.isalnum() or len(code) > services.CODE_LENGTH:
        raise Http404
    return get_object_or_404(_published(), code=code)

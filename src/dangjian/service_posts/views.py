"""Staff and member pages of service posts: the posts of an organization, a post with its claims
and residents' comments, claiming (a member, for themself), the community's decisions, renewal,
withdrawal and the 领岗协议书 PDF. Every change goes through ``service_posts.services``."""

from __future__ import annotations

import datetime

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangjian.core.errors import ConcurrentChange, PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.pdf import pdf_response
from dangjian.core.periods import Period
from dangjian.core.scoping import scope_of
from dangjian.dual_reporting.services import own_member
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization
from dangjian.service_posts import services
from dangjian.service_posts.choices import HOLDING_STATES, ClaimState, PostState
from dangjian.service_posts.figures import held_in
from dangjian.service_posts.forms import PostForm, ReasonForm, RenewForm
from dangjian.service_posts.models import Agreement, Post, PostClaim, ResidentNote

VIEW = "service_posts.view_post"
VIEW_CLAIM = "service_posts.view_postclaim"
EXPIRING_DAYS = 30
CLAIM_RELATED = ["post__org", "post__area", "member__person", "member__org"]


def _apply(form, call):
    """Run a service call; a refused rule becomes a form error (None), a missing right a 403."""
    try:
        return call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


def _act(request: HttpRequest, call) -> bool:
    """Run a service call from a button; a refusal becomes a message on the page it returns to."""
    try:
        call()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        messages.error(request, error.message)
        return False
    return True


def _require_any(user, permission: str) -> None:
    if not scope_of(user).has_any(permission):
        raise PageForbidden(permission)


def _post(request: HttpRequest, pk: int, action: str = "view") -> Post:
    post = get_object_or_404(Post.objects.visible_to(request.user).select_related("org", "area"), pk=pk)
    if action != "view" and not Post.objects.visible_to(request.user, action).filter(pk=pk).exists():
        raise PageForbidden(action)
    return post


def _claim(request: HttpRequest, pk: int, *, own_allowed: bool = False) -> PostClaim:
    """A claim in the user's scope, or (where the page allows it) the user's own."""
    claim = PostClaim.objects.select_related(*CLAIM_RELATED).filter(pk=pk).first()
    if claim is None:
        raise Http404
    if own_allowed and services.is_own(request.user, claim):
        return claim
    if not PostClaim.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return claim


def _form_scopes(user, permission: str):
    orgs = Organization.objects.visible_to(user, permission).filter(is_active=True).order_by("path")
    areas = (
        Area.objects.visible_to(user, permission)
        .filter(kind__in=[AreaKind.COMMUNITY, AreaKind.GRID])
        .order_by("path")
    )
    return orgs, areas


# --- posts ----------------------------------------------------------------------------------------


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    """Posts the user sees, with how many places are held; filter by state."""
    _require_any(request.user, VIEW)
    posts = (
        Post.objects.visible_to(request.user)
        .select_related("org", "area")
        .annotate(
            holders=Count("claims", filter=Q(claims__state=ClaimState.CONFIRMED)),
            waiting=Count("claims", filter=Q(claims__state=ClaimState.CLAIMED)),
        )
        .order_by("-starts_on", "-id")
    )
    state = request.GET.get("state") or ""
    if state in PostState.values:
        posts = posts.filter(state=state)
    return render(
        request,
        "service_posts/post_list.html",
        {
            "page": paginate(request, posts),
            "state": state,
            "states": PostState.choices,
            "may_add": scope_of(request.user).has_any(services.ADD_POST),
        },
    )


@login_required
def post_create(request: HttpRequest) -> HttpResponse:
    _require_any(request.user, services.ADD_POST)
    orgs, areas = _form_scopes(request.user, services.ADD_POST)
    form = PostForm(request.POST or None, orgs=orgs, areas=areas)
    if request.method == "POST" and form.is_valid():
        post = _apply(form, lambda: services.create_post(by=request.user, **form.service_fields()))
        if post is not None:
            messages.success(request, gettext("The post is set up."))
            return redirect("service_posts:post_detail", pk=post.pk)
    return render(request, "service_posts/post_form.html", {"form": form})


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, services.CHANGE_POST)
    orgs, areas = _form_scopes(request.user, services.CHANGE_POST)
    form = PostForm(request.POST or None, instance=post, orgs=orgs, areas=areas)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        try:
            done = _apply(
                form,
                lambda: services.update_post(post, by=request.user, version=version, **form.service_fields()),
            )
        except ConcurrentChange as error:
            form.add_error(None, error.message)
            done = None
        if done is not None:
            messages.success(request, gettext("The post is saved."))
            return redirect("service_posts:post_detail", pk=pk)
    return render(request, "service_posts/post_form.html", {"form": form, "post": post})


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A post with its claims (waiting, holding, past), their agreements and residents' comments."""
    post = _post(request, pk)
    claims = list(
        post.claims.select_related("member__person", "member__org", "decided_by")
        .prefetch_related(Prefetch("agreements", queryset=Agreement.objects.order_by("-version")))
        .order_by("-claimed_at", "-id")[:200]
    )
    notes = list(
        ResidentNote.objects.filter(claim__post=post, kind=ResidentNote.COMMENT)
        .select_related("claim__member__person")
        .order_by("-created_at", "-id")[:50]
    )
    user = request.user
    scope = scope_of(user)
    return render(
        request,
        "service_posts/post_detail.html",
        {
            "post": post,
            "claims": claims,
            "holding": sum(1 for claim in claims if claim.state in HOLDING_STATES),
            "notes": notes,
            "may_change": scope.has_perm(services.CHANGE_POST, org_path=post.org.path),
            "may_decide": services.may_decide(user, post),
            "may_moderate": scope.has_perm(services.MODERATE, org_path=post.org.path),
        },
    )


@login_required
@require_POST
def post_close(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post(request, pk, services.CHANGE_POST)
    if _act(request, lambda: services.close_post(post, by=request.user)):
        messages.success(request, gettext("The post is closed; it takes no more claims."))
    return redirect("service_posts:post_detail", pk=pk)


@login_required
def post_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's page of a post they may claim (from 我的); POST claims it for themself."""
    member = own_member(request.user)
    if member is None or not scope_of(request.user).has_any(services.CLAIM):
        raise PageForbidden(services.CLAIM)
    post = get_object_or_404(Post.objects.select_related("org__jurisdiction", "area"), pk=pk)
    if not services.is_eligible(member, post):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.claim_post(post, by=request.user, member=member)
        except PermissionDenied as refusal:
            raise PageForbidden(refusal.message) from refusal
        except RuleViolation as refusal:
            error = refusal.message
        else:
            messages.success(request, gettext("You claimed the post; the community will confirm it."))
            return redirect("mine:index")
    holding = post.claims.filter(state__in=HOLDING_STATES).count()
    own = post.claims.filter(member=member, state__in=HOLDING_STATES).first()
    return render(
        request,
        "service_posts/post_claim.html",
        {"post": post, "error": error, "free": max(post.places - holding, 0), "own": own},
    )


# --- claims ---------------------------------------------------------------------------------------


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    """Claims the user sees: waiting for a decision (``?state=claimed``), renewals waiting
    (``?renewal=1``), holders whose period ends within 30 days (``?expiring=30``)."""
    _require_any(request.user, VIEW_CLAIM)
    claims = PostClaim.objects.visible_to(request.user).select_related(*CLAIM_RELATED)
    state = request.GET.get("state") or ""
    if state in ClaimState.values:
        claims = claims.filter(state=state)
    if request.GET.get("renewal"):
        claims = claims.filter(state=ClaimState.CONFIRMED, renewal_ends_on__isnull=False)
    expiring = request.GET.get("expiring") == str(EXPIRING_DAYS)
    if expiring:
        claims = claims.filter(state=ClaimState.CONFIRMED, ends_on__lte=expiring_before())
    held = _held_period(request)
    if held is not None:
        claims = claims.filter(held_in(held))
    org_pk = request.GET.get("org") or ""
    if org_pk.isdigit():
        org = get_object_or_404(Organization.objects.visible_to(request.user), pk=int(org_pk))
        claims = claims.filter(post__org__path__startswith=org.path)
    return render(
        request,
        "service_posts/claim_list.html",
        {
            "page": paginate(request, claims.order_by("ends_on" if expiring else "-claimed_at", "id")),
            "state": state,
            "states": ClaimState.choices,
            "expiring": expiring,
            "renewal": bool(request.GET.get("renewal")),
            "held": held,
        },
    )


def _held_period(request: HttpRequest) -> Period | None:
    try:
        start = datetime.date.fromisoformat(request.GET.get("held_from") or "")
        end = datetime.date.fromisoformat(request.GET.get("held_to") or "")
        return Period(start, end)
    except ValueError:
        return None


def expiring_before() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=EXPIRING_DAYS)


@login_required
@require_POST
def claim_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if _act(request, lambda: services.confirm_claim(claim, by=request.user)):
        messages.success(request, gettext("The claim is confirmed and the agreement is issued."))
    return redirect("service_posts:post_detail", pk=claim.post_id)


@login_required
@require_POST
def renewal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if _act(request, lambda: services.confirm_renewal(claim, by=request.user)):
        messages.success(request, gettext("The renewal is confirmed and a new agreement version is issued."))
    return redirect("service_posts:post_detail", pk=claim.post_id)


def _reason_page(
    request: HttpRequest, claim: PostClaim, *, call, heading: str, done: str, back: str
) -> HttpResponse:
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda: call(form.cleaned_data["reason"]))
    ):
        messages.success(request, done)
        return redirect(back)
    return render(
        request,
        "service_posts/claim_reason.html",
        {"form": form, "claim": claim, "heading": heading, "back": back},
    )


@login_required
def claim_decline(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk)
    if not services.may_decide(request.user, claim.post):
        raise PageForbidden(services.DECIDE)
    return _reason_page(
        request,
        claim,
        call=lambda reason: services.decline_claim(claim, by=request.user, reason=reason),
        heading=gettext("Decline the claim of %(member)s") % {"member": claim.member.person.name},
        done=gettext("The claim is declined."),
        back=reverse("service_posts:post_detail", kwargs={"pk": claim.post_id}),
    )


@login_required
def claim_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, own_allowed=True)
    own = services.is_own(request.user, claim)
    if not own and not services.may_decide(request.user, claim.post):
        raise PageForbidden(services.DECIDE)
    return _reason_page(
        request,
        claim,
        call=lambda reason: services.withdraw_claim(claim, by=request.user, reason=reason),
        heading=gettext("Withdraw from the post “%(post)s”") % {"post": claim.post.title},
        done=gettext("The claim is withdrawn."),
        back=reverse("mine:index")
        if own
        else reverse("service_posts:post_detail", kwargs={"pk": claim.post_id}),
    )


@login_required
def claim_renew(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, own_allowed=True)
    own = services.is_own(request.user, claim)
    if not own and not services.may_decide(request.user, claim.post):
        raise PageForbidden(services.DECIDE)
    form = RenewForm(request.POST or None, initial={"ends_on": claim.post.ends_on})
    back = (
        reverse("mine:index") if own else reverse("service_posts:post_detail", kwargs={"pk": claim.post_id})
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            _apply(
                form,
                lambda: services.request_renewal(
                    claim, by=request.user, ends_on=form.cleaned_data["ends_on"]
                ),
            )
            is not None
        )
    ):
        messages.success(request, gettext("The renewal is asked for; the community will confirm it."))
        return redirect(back)
    return render(request, "service_posts/claim_renew.html", {"form": form, "claim": claim, "back": back})


# --- agreements and comments ----------------------------------------------------------------------


def public_url(request: HttpRequest, agreement: Agreement) -> str:
    path = reverse("service_posts_portal:agreement", kwargs={"code": agreement.code})
    return f"{settings.PUBLIC_URL}{path}" if settings.PUBLIC_URL else request.build_absolute_uri(path)


def agreement_pdf_response(request: HttpRequest, agreement: Agreement, *, public: bool) -> HttpResponse:
    """The 领岗协议书 as a PDF: the member's name in full for staff and the member, masked on the
    portal; contact through the platform's page (its link and QR code), never a phone number."""
    url = public_url(request, agreement)
    context = {
        "agreement": agreement,
        "member_name": services.masked_name(agreement.member_name) if public else agreement.member_name,
        "public_url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
    }
    return pdf_response(
        "service_posts/pdf/agreement.html",
        context,
        filename=f"领岗协议书-{agreement.number}.pdf",
        request=request,
    )


@login_required
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(
        Agreement.objects.select_related("claim__member", "claim__post__org"), pk=pk
    )
    own = services.is_own(request.user, agreement.claim)
    if not own and not Agreement.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return agreement_pdf_response(request, agreement, public=False)


@login_required
def note_hide(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(
        ResidentNote.objects.visible_to(request.user).select_related("claim__post__org", "claim__post__area"),
        pk=pk,
        kind=ResidentNote.COMMENT,
    )
    if not ResidentNote.objects.visible_to(request.user, "change").filter(pk=pk).exists():
        raise PageForbidden(services.MODERATE)
    form = ReasonForm(request.POST or None)
    back = reverse("service_posts:post_detail", kwargs={"pk": note.claim.post_id})
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form, lambda: services.hide_note(note, by=request.user, reason=form.cleaned_data["reason"])
        )
    ):
        messages.success(request, gettext("The comment is hidden from the portal."))
        return redirect(back)
    return render(request, "service_posts/note_hide.html", {"form": form, "note": note, "back": back})

"""The residents' pages of service posts (no login): the published posts with their holders, each
holder's 领岗协议书, comments (moderated) and a message form, so residents can supervise.

Holders and residents are named masked (张*); no phone is shown or passed on. Writing needs a code
sent to the resident's phone (the portal's codes, ``portal.verification``) and is rate-limited per
address: this is the one module of the app that uses the portal, listed in tests/test_layers.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.portal import ratelimit, verification
from dangjian.portal.views import limited
from dangjian.service_posts import services
from dangjian.service_posts.choices import ClaimState, PostState
from dangjian.service_posts.forms import NoteForm
from dangjian.service_posts.models import Agreement, Post, PostClaim, ResidentNote
from dangjian.service_posts.views import agreement_pdf_response

HOUR = 60 * 60
NOTES_PER_IP_HOUR = 10
COMMENTS_SHOWN = 50


def _holders():
    agreements = Prefetch("agreements", queryset=Agreement.objects.order_by("-version"))
    return Prefetch(
        "claims",
        queryset=PostClaim.objects.filter(state=ClaimState.CONFIRMED)
        .select_related("member__person")
        .prefetch_related(agreements)
        .order_by("starts_on", "id"),
        to_attr="holders",
    )


def post_list(request: HttpRequest) -> HttpResponse:
    """党员服务岗: the published posts in their period, each with its holders and their agreements."""
    posts = (
        Post.objects.filter(is_public=True, state=PostState.OPEN, ends_on__gte=timezone.localdate())
        .select_related("org", "area")
        .prefetch_related(_holders())
        .order_by("org__path", "title", "id")
    )
    page = paginate(request, posts)
    for post in page:
        for claim in post.holders:
            claim.shown_name = services.masked_name(claim.member.person.name)
            claim.agreement = claim.agreements.all()[0] if claim.agreements.all() else None
    return render(request, "service_posts/portal/post_list.html", {"page": page})


def _agreement(code: str) -> Agreement:
    code = (code or "").strip().upper()
    if not code.isalnum() or len(code) > services.CODE_LENGTH:
        raise Http404
    agreement = (
        Agreement.objects.select_related("claim__post__org", "claim__post__area", "claim__member")
        .filter(code=code, claim__post__is_public=True)
        .first()
    )
    if agreement is None:
        raise Http404
    return agreement


def agreement(request: HttpRequest, code: str, form: NoteForm | None = None, kind: str = "") -> HttpResponse:
    """One holder's 领岗协议书 with the residents' comments and the forms to comment or write."""
    found = _agreement(code)
    claim = found.claim
    latest = claim.agreements.order_by("-version").values_list("code", flat=True).first()
    notes = list(
        ResidentNote.objects.filter(claim=claim, kind=ResidentNote.COMMENT, is_hidden=False).order_by(
            "-created_at", "-id"
        )[:COMMENTS_SHOWN]
    )
    for note in notes:
        note.shown_name = services.masked_name(note.author_name)
    return render(
        request,
        "service_posts/portal/agreement.html",
        {
            "agreement": found,
            "claim": claim,
            "holder": services.masked_name(found.member_name),
            "is_current": latest == found.code,
            "latest_code": latest,
            "holding": claim.state == ClaimState.CONFIRMED,
            "notes": notes,
            "comment_form": form if kind == ResidentNote.COMMENT and form else NoteForm(auto_id="comment_%s"),
            "message_form": form if kind == ResidentNote.MESSAGE and form else NoteForm(auto_id="message_%s"),
            "code_minutes": settings.PORTAL_CODE_VALID_MINUTES,
        },
        status=400 if form is not None else 200,
    )


def agreement_pdf(request: HttpRequest, code: str) -> HttpResponse:
    return agreement_pdf_response(request, _agreement(code), public=True)


def _note(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    found = _agreement(code)
    form = NoteForm(request.POST, auto_id=f"{kind}_%s")
    if not form.is_valid():
        return agreement(request, code, form, kind)
    ratelimit.hit("post-note-ip", ratelimit.ip_of(request), limit=NOTES_PER_IP_HOUR, period=HOUR)
    data = form.cleaned_data
    try:
        # Outside the transaction: a wrong guess must stay counted when the note is refused.
        proof = verification.check_code(data["contact_phone"], data["code"])
        with transaction.atomic():
            verification.mark_used(proof)
            services.leave_note(
                found,
                kind=kind,
                author_name=data["name"],
                phone_hash=proof.phone_hash,
                text=data["text"],
            )
    except PermissionDenied as error:
        raise Http404 from error
    except RuleViolation as error:
        field = {"name": "name", "text": "text"}.get(error.field or "", "code")
        form.add_error(field, error.message)
        return agreement(request, code, form, kind)
    if kind == ResidentNote.COMMENT:
        messages.success(request, gettext("Thank you; your comment is published."))
    else:
        messages.success(request, gettext("Thank you; your message was passed to the post holder."))
    return redirect("service_posts_portal:agreement", code=found.code)


@require_POST
@limited
def comment(request: HttpRequest, code: str) -> HttpResponse:
    return _note(request, code, ResidentNote.COMMENT)


@require_POST
@limited
def message(request: HttpRequest, code: str) -> HttpResponse:
    return _note(request, code, ResidentNote.MESSAGE)

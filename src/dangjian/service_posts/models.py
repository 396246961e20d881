"""Service posts (服务岗 / 党员先锋岗): posts an organization sets up with duties and a period, the
members' claims of them, the 领岗协议书 issued when the community confirms a claim, and what
residents say about a holder on the portal (DOMAIN.md, "Volunteer service").

A post sits at an organization (and optionally an area); its claims and agreements are scoped
through it, so the staff of the post's organization or area see and decide them. A member reads
their own claims by identity.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.service_posts.choices import ClaimState, PostKind, PostState


def _post_q(scope: Scope, prefix: str) -> Q:
    return scope.q(ORG, f"{prefix}org__path") | scope.q(AREA, f"{prefix}area__path")


class Post(models.Model):
    """A post (岗位) members may claim: duties, a period and a number of places."""

    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=100)
    duties = models.TextField(_("duties"))
    kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices, default=PostKind.SERVICE)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    is_public = models.BooleanField(
        _("published on the portal"),
        default=True,
        help_text=_("Residents see the post, its holders and their agreements on the portal."),
    )
    state = models.CharField(_("state"), max_length=16, choices=PostState.choices, default=PostState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service post")
        verbose_name_plural = _("service posts")
        ordering = ["-starts_on", "-id"]
        permissions = [("claim_post", _("Can claim a service post for oneself"))]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="service_posts_post_places_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="service_posts_post_period"
            ),
        ]
        indexes = [models.Index(fields=["org", "state"], name="service_posts_post_org_idx")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _post_q(scope, "")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, self.area.path if self.area_id else "")

    @property
    def is_open(self) -> bool:
        return self.state == PostState.OPEN


class PostClaim(models.Model):
    """A member's claim of a post (领岗): confirmed or declined by the community, then held for a
    period (renewed, withdrawn or expired). One claim per member and post may hold a place."""

    post = models.ForeignKey(
        Post, verbose_name=_("service post"), on_delete=models.PROTECT, related_name="claims"
    )
    member = models.ForeignKey(
        "members.PartyMember", verbose_name=_("party member"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ClaimState.choices, default=ClaimState.CLAIMED
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    # A renewal the member asked for: the new end of the period, until the community confirms it.
    renewal_ends_on = models.DateField(_("renewal asked until"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, default="")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("post claim")
        verbose_name_plural = _("post claims")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=Q(state__in=["claimed", "confirmed"]),
                name="service_posts_claim_one_holding_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "state"], name="service_posts_claim_post_idx"),
            models.Index(fields=["state", "ends_on"], name="service_posts_claim_ends_idx"),
            models.Index(fields=["member", "state"], name="service_posts_claim_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.post} · {self.member}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _post_q(scope, "post__")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.post.audit_scope_paths()

    @property
    def is_holding(self) -> bool:
        return self.state == ClaimState.CONFIRMED


class Agreement(models.Model):
    """A 领岗协议书: what the member undertook, as confirmed, frozen in the words of that day.

    A renewal issues a new version; the PDF is rendered again from these fields, so it reads the
    same however the post is edited later. ``code`` names its public page on the portal.
    """

    claim = models.ForeignKey(
        PostClaim, verbose_name=_("post claim"), on_delete=models.PROTECT, related_name="agreements"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    number = models.CharField(_("number"), max_length=32, unique=True)
    code = models.CharField(_("public code"), max_length=16, unique=True)
    issued_on = models.DateField(_("issued on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    post_title = models.CharField(_("post"), max_length=100)
    post_kind = models.CharField(_("kind"), max_length=16, choices=PostKind.choices)
    duties = models.TextField(_("duties"))
    org_name = models.CharField(_("organization"), max_length=200)
    member_name = models.CharField(_("member"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("post agreement (领岗协议书)")
        verbose_name_plural = _("post agreements (领岗协议书)")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "version"], name="service_posts_agreement_version_uniq")
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _post_q(scope, "claim__post__")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.claim.audit_scope_paths()


class ResidentNote(models.Model):
    """What a resident said about a post holder on the portal: a public comment (moderated) or a
    message passed to the holder through the platform. The phone proved by the code is kept only
    as its keyed hash."""

    COMMENT = "comment"
    MESSAGE = "message"
    KINDS = [(COMMENT, _("Comment")), (MESSAGE, _("Message to the holder"))]

    claim = models.ForeignKey(
        PostClaim, verbose_name=_("post claim"), on_delete=models.PROTECT, related_name="notes"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=KINDS, default=COMMENT)
    author_name = models.CharField(_("name"), max_length=50)
    phone_hash = models.CharField(max_length=64, editable=False)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True, default="")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident's note on a post holder")
        verbose_name_plural = _("residents' notes on post holders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["claim", "kind", "created_at"], name="service_posts_note_claim_idx")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:20]}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _post_q(scope, "claim__post__")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.claim.audit_scope_paths()

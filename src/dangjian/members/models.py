"""People in their roles: residents of an area, party members of an organization, grid workers,
and the transfers (组织关系转接) that move a member between organizations."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet, covers_whole_tree
from dangjian.members.choices import (
    GridWorkerKind,
    MemberCategory,
    MemberStatus,
    RestrictionKind,
    TransferDirection,
    TransferState,
)


class PlacesPerson(models.Model):
    """A record that places its person in a tree: saving or deleting it keeps ``scope_keys``.

    ``Person.visible_to`` reads a copy of where people are placed (``core.person_scope``); a home,
    membership or grid post saved one at a time recomputes its person's copy here, in the same
    transaction. Bulk writes (imports, the generator) call ``refresh_scope_keys`` themselves.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from dangjian.core.person_scope import refresh_scope_keys

        refresh_scope_keys({self.person_id, getattr(self, "_placed_person_id", None)})
        self._placed_person_id = self.person_id

    def delete(self, *args, **kwargs):
        person_id = self.person_id
        result = super().delete(*args, **kwargs)
        from dangjian.core.person_scope import refresh_scope_keys

        refresh_scope_keys([person_id])
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._placed_person_id = instance.__dict__.get("person_id")
        return instance


class Resident(PlacesPerson):
    """Where a person lives: a building (or a grid when the building is unknown) and household.

    Household data is limited to what service needs (DOMAIN.md, out of scope on purpose).
    """

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="residences"
    )
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="residents"
    )
    household = models.CharField(_("household"), max_length=64, blank=True, default="")
    is_current = models.BooleanField(_("current"), default=True)
    moved_in_on = models.DateField(_("moved in on"), null=True, blank=True)
    moved_out_on = models.DateField(_("moved out on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["area_id", "household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_current=True), name="members_resident_one_current_home"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.area}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.area.path)


class PartyMember(PlacesPerson):
    """A person's party membership in an organization (the ledger grows in the members issue)."""

    person = models.OneToOneField(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="membership"
    )
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="members"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    category = models.CharField(
        _("category"), max_length=16, choices=MemberCategory.choices, default=MemberCategory.EMPLOYED
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    regularized_on = models.DateField(_("became full member on"), null=True, blank=True)
    workplace = models.CharField(_("workplace"), max_length=200, blank=True, default="")
    job_title = models.CharField(_("job title"), max_length=100, blank=True, default="")
    flow_out_destination = models.CharField(_("flow-out destination"), max_length=200, blank=True, default="")
    is_lost_contact = models.BooleanField(_("lost contact"), default=False)
    lost_contact_since = models.DateField(_("lost contact since"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    # The person's pinyin sort key, copied here so the ledger can walk members in name order
    # with one index (ordering by the joined person's key walked all 700,000 people at district
    # scale). Kept in step by ``save`` here, by ``Person.save`` and by ``fill_sort_names`` after
    # bulk inserts.
    sort_name = models.CharField(_("pinyin sort key"), max_length=255, blank=True, default="", editable=False)
    # The person's search tokens, copied for the same reason: a name search of the ledger then
    # reads this table's own search index (a few thousand members) instead of matching 700,000
    # people and joining.
    search_tokens = models.TextField(blank=True, default="", editable=False)
    # Bumped by every service that changes the membership, so a transfer initiated before a
    # change is refused instead of silently applied over it.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["org_id", "id"]
        indexes = [
            models.Index(fields=["org", "status"], name="members_member_org_status_idx"),
            # The ledger's 党龄 bands are ranges of the 转正 date; 失联 members are a short list.
            models.Index(fields=["regularized_on"], name="members_member_regular_idx"),
            models.Index(fields=["org"], condition=Q(is_lost_contact=True), name="members_member_lost_idx"),
            models.Index(fields=["sort_name", "id"], name="members_member_sort_idx"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    def save(self, *args, **kwargs):
        if self.person_id is not None:
            person = self._state.fields_cache.get("person")
            if person is not None and person.pk == self.person_id:
                self.sort_name, self.search_tokens = person.name_pinyin, person.search_tokens
            else:
                from dangjian.core.models import Person

                self.sort_name, self.search_tokens = Person.objects.filter(pk=self.person_id).values_list(
                    "name_pinyin", "search_tokens"
                ).first() or ("", "")
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sort_name", "search_tokens"}
        super().save(*args, **kwargs)

    @classmethod
    def fill_sort_names(cls, queryset=None) -> int:
        """Copy the people's sort keys and search tokens to memberships written by ``bulk_create``."""
        from dangjian.core.models import Person

        queryset = cls.objects.all() if queryset is None else queryset
        person = Person.objects.filter(pk=models.OuterRef("person_id"))
        return queryset.update(
            sort_name=models.Subquery(person.values("name_pinyin")[:1]),
            search_tokens=models.Subquery(person.values("search_tokens")[:1]),
        )

    def party_standing_years(self, on: datetime.date | None = None) -> int | None:
        """党龄: whole years since 转正 (DOMAIN.md: it counts from 转正, not from joining)."""
        if self.regularized_on is None:
            return None
        on = on or datetime.date.today()
        years = on.year - self.regularized_on.year
        if (on.month, on.day) < (self.regularized_on.month, self.regularized_on.day):
            years -= 1
        return max(years, 0)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        from dangjian.orgs.models import Organization

        # Every membership is in an organization: a grant over the whole organization tree
        # covers them all (a grant over the whole area tree covers only organizations with a
        # jurisdiction, so it is tested as usual).
        if covers_whole_tree(Organization, scope.org_paths):
            return Q()
        return scope.q(ORG, "org__path") | scope.q(AREA, "org__jurisdiction__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, "")


class GridWorker(PlacesPerson):
    """A person working a grid: 网格长, 专职 or 兼职网格员."""

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="grid_posts"
    )
    area = models.ForeignKey(
        "orgs.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="grid_workers"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GridWorkerKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid worker")
        verbose_name_plural = _("grid workers")
        ordering = ["area_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return ("", self.area.path)


def transfer_valid_days() -> int:
    """Days a transfer letter stays valid: ``settings.TRANSFER_VALID_DAYS``.

    Three months (90 days) is the common practice for 组织关系介绍信; a region with another
    practice sets the environment variable ``DANGJIAN_TRANSFER_VALID_DAYS``.
    """
    return int(settings.TRANSFER_VALID_DAYS)


class Transfer(models.Model):
    """A transfer of a member's party relationship (组织关系转接) from one organization to another.

    The from-org initiates it with a letter number; the to-org accepts it (the member moves) or
    returns it; an initiated letter past ``valid_until`` expires. ``valid_until`` defaults to three
    months after initiation, the common practice for transfer letters, and is configurable with
    the setting ``DANGJIAN_TRANSFER_VALID_DAYS`` (default 90). ``member_version`` is the member's
    version at initiation: a member changed meanwhile is not moved by a stale letter. Nothing is
    deleted: the letters are the member's history.
    """

    letter_number = models.CharField(_("letter number"), max_length=32, unique=True)
    direction = models.CharField(
        _("direction"), max_length=16, choices=TransferDirection.choices, default=TransferDirection.INTERNAL
    )
    # Null only for a letter from outside the system, whose member has no ledger entry until
    # the receiving organization accepts it (``incoming_person`` holds who is coming).
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="transfers",
        null=True,
        blank=True,
    )
    incoming_person = models.ForeignKey(
        "core.Person",
        verbose_name=_("incoming person"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # One side may be outside the system: then its name is ``external_org_name``.
    from_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("from organization"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
        null=True,
        blank=True,
    )
    to_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("to organization"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
        null=True,
        blank=True,
    )
    external_org_name = models.CharField(
        _("organization outside the system"), max_length=200, blank=True, default=""
    )
    # What a letter from outside the system says, typed in from the paper letter when it is
    # registered and applied to the membership when it is accepted; empty on other letters.
    external_letter_number = models.CharField(
        _("issuing organization's letter number"), max_length=64, blank=True, default=""
    )
    incoming_status = models.CharField(
        _("status stated by the letter"), max_length=16, choices=MemberStatus.choices, blank=True, default=""
    )
    incoming_joined_on = models.DateField(_("joined on, as the letter states"), null=True, blank=True)
    incoming_regularized_on = models.DateField(
        _("became full member on, as the letter states"), null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=TransferState.choices, default=TransferState.INITIATED
    )
    valid_until = models.DateField(_("valid until"))
    reason = models.TextField(_("reason"), blank=True, default="")
    initiated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initiated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    initiated_at = models.DateTimeField(_("initiated at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, default="")
    member_version = models.PositiveIntegerField(_("member version at initiation"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-initiated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(state=TransferState.INITIATED),
                name="members_transfer_one_open_per_member",
            ),
        ]
        indexes = [models.Index(fields=["state", "valid_until"], name="members_transfer_due_idx")]

    def __str__(self) -> str:
        return self.letter_number

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        # Both sides see the letter: the sending organization and the receiving one.
        return scope.q(ORG, "from_org__path") | scope.q(ORG, "to_org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        # The letter's audit lines belong to the sending organization; the member's move is
        # audited on the member, which then sits in the receiving organization.
        org = self.from_org or self.to_org
        return (org.path if org is not None else "", "")

    @property
    def is_open(self) -> bool:
        return self.state == TransferState.INITIATED

    def is_past_validity(self, today: datetime.date) -> bool:
        return today > self.valid_until


class RightsRestrictionQuerySet(ScopedQuerySet):
    def in_force_on(self, day: datetime.date) -> RightsRestrictionQuerySet:
        """Restrictions covering ``day`` (start and end dates inclusive; no end date: still in force)."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class RightsRestriction(models.Model):
    """A period in which a member has no vote: 留党察看, or rights suspended while 留置/逮捕.

    A member under one cannot vote, elect or stand, nor be an 入党介绍人, and is left out of every
    count of members with a vote (选举工作条例 2020 第五条; 发展党员工作细则 第十四条). The decision
    (document number, organ, text) is kept with the dates; rows are never deleted, so the member's
    history shows every period. ``ends_on`` is the last day of the period; a suspension whose end
    is not known yet has none until it is lifted.
    """

    member = models.ForeignKey(
        PartyMember, verbose_name=_("party member"), on_delete=models.PROTECT, related_name="restrictions"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=RestrictionKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    decision_number = models.CharField(_("decision document number"), max_length=64, blank=True, default="")
    decision_organ = models.CharField(_("deciding organ"), max_length=200, blank=True, default="")
    decision_text = models.TextField(_("decision"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RightsRestrictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("rights restriction")
        verbose_name_plural = _("rights restrictions")
        ordering = ["member_id", "-starts_on", "-id"]
        indexes = [models.Index(fields=["member", "starts_on"], name="members_restr_member_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="members_restriction_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(ORG, "member__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.member.org.path, "")

    def is_in_force(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

"""The volunteer ledger (志愿者台账), teams, and the 三张清单 — needs (需求清单), resources
(资源清单) and projects (项目清单) — with residents' 微心愿 (DOMAIN.md, "Volunteer service").

Every row sits in both trees: an area (where the volunteer lives, where the need or wish is) and
the organization that recorded it (the community's party organization). ``scope_q`` ORs the two,
so a community's staff see their area's rows whichever org recorded them, and an org's staff see
what their org recorded. Any Person can be a volunteer; the party-member link is optional.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet, covers_whole_tree
from dangjian.volunteering.choices import (
    NeedCategory,
    NeedSource,
    NeedState,
    ProjectState,
    ResourceKind,
    TeamKind,
    VolunteerState,
    WishState,
)

# Up to this many areas and organizations under a user's grants, rows are found by their
# foreign keys (an index scan of each, ORed), not by joining both trees and testing two paths
# (a scan of the whole table: 150 ms for a community's volunteers among a district's 100,000).
# Wider grants (a street of the district or more) keep the join: they read a large share anyway.
# A community is about 140 areas and 30 organizations; a street 1,400 and 350, whose ids written
# into every query cost more to build and plan than the join (a street's search of 林 among its
# volunteers: 46 ms with the ids, 30 ms with the join).
IDS_LIMIT = 300


def _node_ids(model, paths: tuple[str, ...]) -> list[int] | None:
    """The ids of the nodes of ``model`` under ``paths``, or None when there are more than
    ``IDS_LIMIT`` (one indexed query)."""
    if not paths:
        return []
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    ids = list(model.objects.filter(query).values_list("pk", flat=True)[: IDS_LIMIT + 1])
    return None if len(ids) > IDS_LIMIT else ids


def _two_trees_q(scope: Scope) -> Q:
    """Rows whose area lies under an area grant or whose recording org under an org grant."""
    if scope.is_global:
        return Q()
    from dangjian.orgs.models import Area, Organization

    # Every row has an area and an org: a grant over a whole tree covers them all.
    if covers_whole_tree(Area, scope.area_paths) or covers_whole_tree(Organization, scope.org_paths):
        return Q()
    area_ids = _node_ids(Area, scope.area_paths)
    org_ids = _node_ids(Organization, scope.org_paths)
    by_area = scope.q(AREA, "area__path") if area_ids is None else Q(area_id__any_of=area_ids)
    by_org = scope.q(ORG, "org__path") if org_ids is None else Q(org_id__any_of=org_ids)
    return by_area | by_org


class InTwoTrees(models.Model):
    """An area and the recording organization, and who recorded the row when."""

    area = models.ForeignKey("orgs.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
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
        abstract = True

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return _two_trees_q(scope)

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org.path, self.area.path)


class Skill(models.Model):
    """One entry of the configurable skill taxonomy (特长): a category and its skills."""

    name = models.CharField(_("name"), max_length=64)
    category = models.CharField(_("category"), max_length=64, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=50)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["category", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["category", "name"], name="volunteering_skill_uniq")]

    def __str__(self) -> str:
        return self.name


class Team(InTwoTrees):
    """A 志愿服务队 or a 党群温馨小组 of an area."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=TeamKind.choices, default=TeamKind.SERVICE_TEAM)
    leader = models.ForeignKey(
        "core.Person",
        verbose_name=_("leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Volunteer(InTwoTrees):
    """A person in the volunteer ledger. ``area`` is the home area (a grid where known)."""

    person = models.OneToOneField(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="volunteer"
    )
    party_member = models.ForeignKey(
        "members.PartyMember",
        verbose_name=_("party member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True, related_name="volunteers")
    skills_note = models.CharField(_("other skills"), max_length=200, blank=True, default="")
    interests = models.CharField(_("interests"), max_length=200, blank=True, default="")
    capacity_hours = models.PositiveSmallIntegerField(_("hours per month"), default=4)
    availability = models.PositiveIntegerField(
        _("weekly availability"), default=0, help_text=_("21 slots: 7 days × morning, afternoon, evening.")
    )
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="volunteers")
    state = models.CharField(
        _("state"), max_length=8, choices=VolunteerState.choices, default=VolunteerState.ACTIVE
    )
    registered_on = models.DateField(_("registered on"))
    # The person's pinyin sort key and search tokens, copied here as the member ledger does
    # (PartyMember.sort_name): the ledger walks volunteers in name order on one index and a name
    # search reads this table's own search index instead of matching every person and joining.
    # Kept in step by ``save``, by the person-saved hook (ledger.register) and by
    # ``fill_sort_names`` after bulk inserts.
    sort_name = models.CharField(_("pinyin sort key"), max_length=255, blank=True, default="", editable=False)
    search_tokens = models.TextField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["sort_name", "id"]
        indexes = [
            models.Index(fields=["area", "state"], name="volunteering_vol_area_idx"),
            models.Index(fields=["sort_name", "id"], name="volunteering_vol_sort_idx"),
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
        # The entry places its person in the trees (ledger.placements): keep Person.scope_keys in
        # step, in the same transaction, as a home or a membership does.
        from dangjian.core.person_scope import refresh_scope_keys

        refresh_scope_keys([self.person_id])

    def delete(self, *args, **kwargs):
        person_id = self.person_id
        result = super().delete(*args, **kwargs)
        from dangjian.core.person_scope import refresh_scope_keys

        refresh_scope_keys([person_id])
        return result

    @classmethod
    def fill_sort_names(cls, queryset=None) -> int:
        """Copy the people's sort keys and search tokens to volunteers written by ``bulk_create``."""
        from dangjian.core.models import Person

        queryset = cls.objects.all() if queryset is None else queryset
        person = Person.objects.filter(pk=models.OuterRef("person_id"))
        return queryset.update(
            sort_name=models.Subquery(person.values("name_pinyin")[:1]),
            search_tokens=models.Subquery(person.values("search_tokens")[:1]),
        )

    @property
    def is_party_member(self) -> bool:
        return self.party_member_id is not None


class Project(InTwoTrees):
    """An organization's service project (项目清单): goals, period and places."""

    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals"), blank=True, default="")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    places = models.CharField(_("locations"), max_length=255, blank=True, default="")
    state = models.CharField(
        _("state"), max_length=12, choices=ProjectState.choices, default=ProjectState.PLANNED
    )

    class Meta:
        verbose_name = _("service project")
        verbose_name_plural = _("service projects")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Resource(InTwoTrees):
    """An entry of the 资源清单: a co-building unit, a venue, materials or a team."""

    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    unit_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("unit party organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True)
    capacity = models.CharField(_("size or capacity"), max_length=100, blank=True, default="")
    is_available = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Need(InTwoTrees):
    """A resident's need (需求清单), to be served by one volunteer."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    category = models.CharField(_("category"), max_length=12, choices=NeedCategory.choices)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills wanted"), blank=True, related_name="needs")
    availability = models.PositiveIntegerField(
        _("when it can be served"), default=0, help_text=_("21 slots: 7 days × morning, afternoon, evening.")
    )
    source = models.CharField(
        _("source"), max_length=16, choices=NeedSource.choices, default=NeedSource.STAFF
    )
    resident = models.ForeignKey(
        "core.Person",
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    service_request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.SET_NULL, null=True, blank=True
    )
    is_public = models.BooleanField(_("shown on the portal"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=NeedState.choices, default=NeedState.OPEN)
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, default="")

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["area", "state"], name="volunteering_need_area_idx"),
            models.Index(fields=["volunteer", "state"], name="volunteering_need_vol_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Wish(InTwoTrees):
    """A resident's 微心愿: 居民点单 → 社区下单 → 党员接单 → fulfilled with proof → confirmed."""

    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True, default="")
    resident = models.ForeignKey(
        "core.Person", verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=WishState.choices, default=WishState.SUBMITTED
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    claimed_by = models.ForeignKey(
        "core.Person",
        verbose_name=_("claimed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    proof = models.TextField(_("proof of fulfilment"), blank=True, default="")
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation_note = models.CharField(_("confirmation"), max_length=200, blank=True, default="")
    # Given to the resident at submission (like a request's tracking code): with it they follow
    # the wish, confirm its fulfilment or withdraw it on the portal, without an account.
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, null=True, blank=True, editable=False
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["area", "state"], name="volunteering_wish_area_idx")]

    def __str__(self) -> str:
        return self.title


def wish_photo_path(instance: WishPhoto, filename: str) -> str:
    """Photos live under MEDIA_ROOT with a random name; the original name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"volunteering/wishes/{instance.wish_id}/{secrets.token_hex(12)}.{extension}"


class WishPhoto(models.Model):
    """A photo proving a 微心愿 fulfilled (the gift handed over, the repair done), at most three.

    Stored under MEDIA_ROOT but never served publicly: staff who see the wish, the member who
    fulfilled it and the resident holding its tracking code download it through scoped views.
    """

    wish = models.ForeignKey(
        Wish, verbose_name=_("micro-wish"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=wish_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo of a micro-wish")
        verbose_name_plural = _("photos of micro-wishes")
        ordering = ["wish_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "wish__area__path") | scope.q(ORG, "wish__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.wish.audit_scope_paths()


# The matching part keeps its own models (batch proposals); imported here so Django loads them.
from dangjian.volunteering.matchmaking.models import MatchProposal, ProposedPair  # noqa: E402, F401

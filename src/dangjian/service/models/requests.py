"""Service requests and what happens to them: the request, its timeline of events, photos,
吹哨报到 calls to departments, and the monthly roll-up behind the figures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.personal import MOBILE, PersonalData
from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.service.choices import (
    FollowUpState,
    PhotoKind,
    RequestAction,
    RequestSource,
    RequestState,
    ServiceMode,
    TimeLimitUnit,
    WhistleState,
)
from dangjian.service.models.configuration import Category, Department, DepartmentMember


class ServiceRequestQuerySet(ScopedQuerySet):
    def visible_outside_scope(self, user, permission: str) -> Q | None:
        """Requests sent or whistled to the user's departments, whatever their roles.

        A department user acts through membership, not through a role's subtree; membership
        opens its requests to be read (``service.view_servicerequest``) and to nothing else
        asked through ``visible_to``. The role grants themselves are filtered by the shared
        ``restrict``: a department user's role over the district (for the trees) does not show
        them every request there, since it lacks the view permission.
        """
        if permission != "service.view_servicerequest":
            return None
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        departments = DepartmentMember.objects.filter(user=user).values("department_id")
        return Q(handler_department__in=departments) | Q(
            pk__in=WhistleCall.objects.filter(department__in=departments).values("request_id")
        )

    def open(self) -> ServiceRequestQuerySet:
        from dangjian.service.choices import OPEN_STATES

        return self.filter(state__in=OPEN_STATES)


def request_search_tokens(title: str, description: str, tracking_code: str) -> str:
    """What the search box matches a request by: its title, else the start of its description
    (a request reported without a title), and its tracking code."""
    from dangjian.core.search import search_tokens

    return search_tokens(title or (description or "")[:40], (tracking_code or "").lower())


class ServiceRequest(models.Model):
    """A resident's or grid worker's request (诉求), from report to archive.

    State changes happen only in ``service.services``; each writes a ``RequestEvent`` (the
    timeline) and an audit line. ``version`` rises with every change, so two people acting at
    once cannot both succeed.
    """

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    # The client's ``Idempotency-Key`` of the submission, hashed with who sent it (an Open311 key,
    # a user): a client that sends again after a lost answer gets the request it already made
    # (``services.intake.client_key_for``). Null for requests made on the pages.
    client_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=16, choices=RequestSource.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    category_path = models.CharField(max_length=255, editable=False, db_index=True)
    title = models.CharField(_("title"), max_length=100, blank=True, default="")
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=255, blank=True, default="")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    area = models.ForeignKey("orgs.Area", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, editable=False)
    # 待定位: reported with an address only (a hotline or 12345 transfer, a resident who did not know
    # the grid). ``area`` is then the community, street or district it was filed under, not a
    # grid, so only that node's dispatchers see it, until one of them places it in a grid
    # (``services.place_request``).
    awaiting_location = models.BooleanField(_("awaiting location (待定位)"), default=False)
    # The party organization responsible (the community's, found from the area): its superior
    # receives escalations of overdue requests.
    org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("responsible organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_path = models.CharField(max_length=255, blank=True, default="", editable=False)

    contact_name = models.CharField(_("contact name"), max_length=64, blank=True, default="")
    contact_phone_cipher = models.TextField(blank=True, default="", editable=False)
    contact_phone_hash = models.CharField(max_length=64, null=True, blank=True, editable=False, db_index=True)
    contact_phone_masked = models.CharField(
        _("contact phone"), max_length=16, blank=True, default="", editable=False
    )
    contact_phone = PersonalData(MOBILE)
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    state = models.CharField(
        _("state"), max_length=16, choices=RequestState.choices, default=RequestState.REPORTED
    )
    # The state to return to when a 挂起 ends.
    state_before_suspension = models.CharField(max_length=16, blank=True, default="", editable=False)
    service_mode = models.CharField(
        _("service mode"), max_length=16, choices=ServiceMode.choices, default=ServiceMode.ORDINARY
    )
    # The current handler: one organization or one department (never both), and optionally the
    # person working on it. One column each, so a request can never have two current handlers.
    handler_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("handler organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler_org_path = models.CharField(max_length=255, blank=True, default="", editable=False)
    handler_department = models.ForeignKey(
        Department,
        verbose_name=_("handler department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    created_at = models.DateTimeField(_("reported at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The deadline and the rule it came from (copied from the category when computed).
    due_at = models.DateTimeField(_("due at"))
    limit_amount = models.PositiveSmallIntegerField(_("time limit"))
    limit_unit = models.CharField(_("time limit unit"), max_length=16, choices=TimeLimitUnit.choices)
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    # Working hours the request spent 挂起 (the clock stopped), excluded from handling time.
    suspended_working_hours = models.DecimalField(max_digits=9, decimal_places=2, default=0, editable=False)
    # Working hours from report to 办结, without suspensions; set at 办结.
    handling_working_hours = models.DecimalField(
        _("handling time (working hours)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    is_supervised = models.BooleanField(_("supervised (督办)"), default=False)
    supervised_at = models.DateTimeField(_("supervised at"), null=True, blank=True)

    resolution = models.TextField(_("result"), blank=True, default="")
    rejection_reason = models.TextField(_("reason not accepted"), blank=True, default="")
    # 最多跑一次: how many times the resident came in person about this matter.
    visit_count = models.PositiveSmallIntegerField(_("visits"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    rating_invited_at = models.DateTimeField(_("invited to rate at"), null=True, blank=True)
    rating_level = models.CharField(_("rating"), max_length=24, blank=True, default="")
    rating_is_bad = models.BooleanField(_("bad rating (差评)"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True, default="")
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    follow_up_state = models.CharField(
        _("follow-up"), max_length=8, choices=FollowUpState.choices, blank=True, default=FollowUpState.NONE
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    # The title (or the start of the description) and the tracking code as ``core.search``
    # tokens, for the staff search box (a GIN index; written on save and by the generator).
    search_tokens = models.TextField(blank=True, default="", editable=False)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["area_path", "created_at"], name="service_req_area_created"),
            models.Index(fields=["org_path", "created_at"], name="service_req_org_created"),
            models.Index(fields=["handler_org_path", "state", "due_at"], name="service_req_handler_state"),
            models.Index(fields=["handler_department", "state", "due_at"], name="service_req_dept_state"),
            models.Index(fields=["state", "due_at"], name="service_req_state_due"),
            models.Index(fields=["created_at"], name="service_req_created"),
            models.Index(fields=["resolved_at"], name="service_req_resolved"),
            models.Index(fields=["assignee", "state"], name="service_req_assignee_state"),
            # The 待定位 section: the few requests not yet placed in a grid.
            models.Index(
                fields=["area_path", "created_at"],
                condition=Q(awaiting_location=True),
                name="service_req_unplaced",
            ),
            # The 督办 list: supervised requests newest first (a small part of all requests).
            models.Index(
                fields=["-supervised_at", "-id"],
                condition=Q(is_supervised=True),
                name="service_req_supervised",
            ),
        ]
        constraints = [
            # One current handler at most: an organization or a department, never both.
            models.CheckConstraint(
                condition=Q(handler_org__isnull=True) | Q(handler_department__isnull=True),
                name="service_request_one_handler",
            ),
        ]
        permissions = [
            ("dispatch_request", _("Can accept, dispatch, review and close requests")),
            ("handle_request", _("Can handle requests dispatched to the organization")),
            ("supervise_request", _("Can supervise requests (督办) and blow the whistle (吹哨)")),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title or self.description[:20]}"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"title", "description", "tracking_code"} & set(update_fields):
            self.search_tokens = request_search_tokens(self.title, self.description, self.tracking_code)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_tokens"}
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "area_path") | scope.q(ORG, "org_path") | scope.q(ORG, "handler_org_path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return (self.org_path or self.handler_org_path, self.area_path)

    @property
    def is_open(self) -> bool:
        from dangjian.service.choices import OPEN_STATES

        return self.state in OPEN_STATES

    @property
    def visits_flagged(self) -> bool:
        """最多跑一次: more than one visit in person is flagged."""
        return self.visit_count > 1


class RequestEvent(models.Model):
    """One line of a request's timeline: who did what, from which state to which, and why."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=RequestAction.choices)
    from_state = models.CharField(
        _("from"), max_length=16, choices=RequestState.choices, blank=True, default=""
    )
    to_state = models.CharField(_("to"), max_length=16, choices=RequestState.choices, blank=True, default="")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who acted, as text: a user's name, 居民 for the portal, 系统 for tasks.
    by_name = models.CharField(_("by"), max_length=64, blank=True, default="")
    note = models.TextField(_("note"), blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="service_event_request")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


class RequestPhoto(models.Model):
    """A photo of a request (resized on upload); the EXIF location is kept for staff only."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("kind"), max_length=8, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    image = models.FileField(_("photo"), upload_to="service/photos/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    exif_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    exif_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request photo")
        verbose_name_plural = _("request photos")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.image.name}"


class WhistleCall(models.Model):
    """吹哨报到: a department called to a request, which must report (报到) within its limit."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="whistles")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="whistles"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=WhistleState.choices, default=WhistleState.CALLED
    )
    note = models.TextField(_("reason"), blank=True, default="")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    called_at = models.DateTimeField(_("called at"))
    report_due_at = models.DateTimeField(_("report due at"))
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("whistle call")
        verbose_name_plural = _("whistle calls")
        ordering = ["-called_at", "-id"]
        indexes = [models.Index(fields=["state", "report_due_at"], name="service_whistle_state_due")]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.department}"


class RatingProof(models.Model):
    """A one-time proof that a rating comes from the resident: a link token or an SMS code.

    Sent only to the request's contact phone (the invitation's link, or a code asked for on the
    rating page), never shown to staff; only a keyed hash is stored. Used once; a rating uses
    up every proof of its request. The 满意率 is computed from ratings made with one.
    """

    class Kind(models.TextChoices):
        LINK = "link", _("Rating link")
        CODE = "code", _("SMS code")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="rating_proofs")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # A keyed hash of the request and the secret (two codes of one request may repeat digits).
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating proof")
        verbose_name_plural = _("rating proofs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["request", "secret_hash"], name="service_proof_request")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class RatingAttempt(models.Model):
    """A rating refused for a wrong or expired proof: counted per request and per client address.

    In the database, not the cache, so that the hourly limits hold across every app process
    (a per-process cache let each process allow its own five guesses).
    """

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="+")
    # The client address as a keyed hash (never the address itself).
    client_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("refused rating attempt")
        verbose_name_plural = _("refused rating attempts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["request", "created_at"], name="service_attempt_request"),
            models.Index(fields=["client_hash", "created_at"], name="service_attempt_client"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.created_at:%Y-%m-%d %H:%M}"


class FigureRollup(models.Model):
    """Monthly counts behind the service figures, per community, responsible organization and category.

    Kept equal to the request rows by ``service.figures.update_rollup``, which every state change
    in ``service.services`` calls (not signals); ``manage rebuild_service_figures`` recomputes it.
    The area is cut to the community level, where requests are dense enough for the table to be a
    quarter of the rows; figures of a single community or grid read the requests themselves.
    """

    month = models.DateField(_("month"))
    area_path = models.CharField(max_length=255)
    org_path = models.CharField(max_length=255, blank=True, default="")
    category_path = models.CharField(max_length=255)
    received = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    early = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    hours_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    hours_count = models.IntegerField(default=0)
    # The 提前办结 margin the ``early`` count was made with; rows made with another margin than
    # the current setting are stale, and the figures then read the requests until a rebuild.
    early_margin_hours = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("service figures rollup")
        verbose_name_plural = _("service figures rollup")
        ordering = ["month", "area_path", "org_path", "category_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "area_path", "org_path", "category_path"], name="service_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_path} {self.org_path} {self.category_path}"

"""就业: enterprise job postings and residents seeking work in a community's scope, placements,
and training sessions with their attendance (DOMAIN.md, "Volunteer service": Jobs).

Each row sits in both trees — the area (where the job is, where the seeker lives, where the
training takes place) and the organization that recorded it — and ``scope_q`` ORs the two, like
the volunteering ledger. Skills come from the volunteering taxonomy (``volunteering.Skill``), so a
resident's 特长 in the volunteer ledger and in the job register are the same words.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.scoping import AREA, ORG, Scope, ScopedQuerySet
from dangjian.jobs.choices import PostingState, SeekerState
from dangjian.volunteering.models import InTwoTrees

# An area, the recording organization, who recorded the row and when, and its version: the same
# shape as the volunteering lists' rows (one definition, ``volunteering.models.InTwoTrees``).
Recorded = InTwoTrees


class JobPosting(Recorded):
    """An enterprise's job posting (招聘岗位) in an area: title, skills wanted, positions, salary."""

    enterprise_name = models.CharField(_("enterprise"), max_length=200)
    unit_org = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("unit party organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("job title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    skills = models.ManyToManyField(
        "volunteering.Skill", verbose_name=_("skills wanted"), blank=True, related_name="job_postings"
    )
    skills_note = models.CharField(_("other requirements"), max_length=200, blank=True, default="")
    positions = models.PositiveSmallIntegerField(_("positions"), default=1)
    salary_min = models.DecimalField(
        _("salary from (yuan/month)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    salary_max = models.DecimalField(
        _("salary to (yuan/month)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=8, choices=PostingState.choices, default=PostingState.OPEN
    )

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["state", "area"], name="jobs_posting_state_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise_name} · {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state == PostingState.OPEN


class JobSeeker(Recorded):
    """A resident seeking work (求职登记): a Person, where they live, skills and the job wanted."""

    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    skills = models.ManyToManyField(
        "volunteering.Skill", verbose_name=_("skills"), blank=True, related_name="job_seekers"
    )
    skills_note = models.CharField(_("other skills"), max_length=200, blank=True, default="")
    wanted_job = models.CharField(_("job wanted"), max_length=200, blank=True, default="")
    registered_on = models.DateField(_("registered on"))
    state = models.CharField(
        _("state"), max_length=12, choices=SeekerState.choices, default=SeekerState.SEEKING
    )
    note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(state="seeking"), name="jobs_seeker_one_seeking_uniq"
            )
        ]
        indexes = [models.Index(fields=["state", "area"], name="jobs_seeker_state_idx")]

    def __str__(self) -> str:
        return str(self.person)


class Placement(models.Model):
    """A seeker placed in a posting's job (就业安置) on a date."""

    seeker = models.ForeignKey(
        JobSeeker, verbose_name=_("job seeker"), on_delete=models.PROTECT, related_name="placements"
    )
    posting = models.ForeignKey(
        JobPosting, verbose_name=_("job posting"), on_delete=models.PROTECT, related_name="placements"
    )
    placed_on = models.DateField(_("placed on"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-placed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "posting"], name="jobs_placement_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.posting}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "seeker__area__path") | scope.q(ORG, "seeker__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.seeker.audit_scope_paths()


class TrainingSession(Recorded):
    """A vocational training session (就业培训): when, where and for how many."""

    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=30)
    description = models.TextField(_("description"), blank=True, default="")

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(models.Model):
    """A person on a training session's roll; ``attended`` None until the roll is taken."""

    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("training session"),
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        ordering = ["session", "person__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="jobs_attendance_uniq")]

    def __str__(self) -> str:
        return f"{self.session} · {self.person}"

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        return scope.q(AREA, "session__area__path") | scope.q(ORG, "session__org__path")

    def audit_scope_paths(self) -> tuple[str, str]:
        return self.session.audit_scope_paths()

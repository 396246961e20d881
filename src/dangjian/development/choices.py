"""Stages, states, sources and step effects of the development pipeline (发展党员)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    """The five stages of 《中国共产党发展党员工作细则》, in order."""

    APPLICANT = "applicant", _("Party applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Development candidate")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


STAGE_ORDER = [stage.value for stage in Stage]


class ApplicantState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("applicant state", "In progress")
    ADMITTED = "admitted", pgettext_lazy("applicant state", "Admitted (probationary)")
    FULL = "full", pgettext_lazy("applicant state", "Full member")
    WITHDRAWN = "withdrawn", pgettext_lazy("applicant state", "Withdrawn")
    CANCELLED = "cancelled", pgettext_lazy("applicant state", "Probation cancelled")


OPEN_STATES = [ApplicantState.ACTIVE.value, ApplicantState.ADMITTED.value]


class ApplicantSource(models.TextChoices):
    """How the applicant was recommended (细则: 党员推荐、群团组织推优)."""

    SELF = "self", _("Own application")
    LEAGUE = "league", _("Recommended by the Communist Youth League")
    MEMBERS = "members", _("Recommended by party members")
    MASS_ORG = "mass_org", _("Recommended by a mass organization")


class StepEffect(models.TextChoices):
    """What recording a step does to the applicant besides the record itself (code, not data)."""

    NONE = "none", _("No stage change")
    APPLY = "apply", _("Application (opens the file)")
    ACTIVIST = "activist", _("Becomes activist")
    CANDIDATE = "candidate", _("Becomes development candidate")
    ADMIT = "admit", _("Admitted as probationary member")
    EXTEND = "extend", _("Probation extended")
    CANCEL = "cancel", _("Probation cancelled")
    REGULARIZE = "regularize", _("Becomes full member")


class RuleSetState(models.TextChoices):
    """A rule set is edited as a draft, then activated (frozen); a replaced one is retired."""

    DRAFT = "draft", pgettext_lazy("rule set state", "Draft")
    ACTIVE = "active", pgettext_lazy("rule set state", "Active")
    RETIRED = "retired", pgettext_lazy("rule set state", "Retired")

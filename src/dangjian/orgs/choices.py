"""Kinds of party organizations and areas, fields (领域), committee roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", _("District committee")
    WORKING_COMMITTEE = "working_committee", _("Working committee")
    PRIMARY_COMMITTEE = "primary_committee", _("Primary committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    JOINT_BRANCH = "joint_branch", _("Joint branch")
    TEMPORARY_BRANCH = "temporary_branch", _("Temporary branch")
    GROUP = "group", _("Party group")


BRANCH_KINDS = {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH}


class OrgField(models.TextChoices):
    GOVERNMENT = "government", _("Government organ")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
    PRIVATE_ENTERPRISE = "private_enterprise", _("Non-public enterprise")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organization")
    URBAN_COMMUNITY = "urban_community", _("Urban community")
    RURAL = "rural", _("Rural")
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class DemonstrationLevel(models.TextChoices):
    COUNTY = "county", _("County level")
    CITY = "city", _("City level")
    PROVINCE = "province", _("Province level")


class AreaKind(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")


# The only kind of child each area kind may have (区 → 街道 → 社区 → 网格 → 楼栋).
AREA_CHILD_KIND = {
    AreaKind.DISTRICT: AreaKind.STREET,
    AreaKind.STREET: AreaKind.COMMUNITY,
    AreaKind.COMMUNITY: AreaKind.GRID,
    AreaKind.GRID: AreaKind.BUILDING,
}


class CommitteeRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANIZATION = "organization", _("Organization member")
    PUBLICITY = "publicity", _("Publicity member")
    DISCIPLINE = "discipline", _("Discipline inspection member")
    MEMBER = "member", _("Committee member")

"""The skill taxonomy (特长): the list by category, adding, editing, taking out of use and back.

The taxonomy is one list for the whole platform; reading it needs ``view_skill`` anywhere,
editing ``add_skill``/``change_skill`` (the organization department's).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.errors import PermissionDenied
from dangjian.core.scoping import scope_of
from dangjian.volunteering.ledger import services
from dangjian.volunteering.ledger.forms import SkillForm
from dangjian.volunteering.ledger.views.common import apply, form_status, require_anywhere
from dangjian.volunteering.models import Skill

VIEW_SKILL = "volunteering.view_skill"


@login_required
@require_GET
def skill_list(request: HttpRequest) -> HttpResponse:
    """Every skill by category, each linking to the volunteers of the user's ledger who offer it."""
    require_anywhere(request.user, VIEW_SKILL)
    skills = Skill.objects.order_by("category", "order", "name")
    groups: dict[str, list[Skill]] = {}
    for skill in skills:
        groups.setdefault(skill.category, []).append(skill)
    scope = scope_of(request.user)
    return render(
        request,
        "volunteering/ledger/skill_list.html",
        {
            "groups": list(groups.items()),
            "can_add": scope.has_any(services.ADD_SKILL),
            "can_change": scope.has_any(services.CHANGE_SKILL),
            "can_list": scope.has_any(services.VIEW),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_create(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, services.ADD_SKILL)
    form = SkillForm(request.POST or None, initial={"category": request.GET.get("category", "")})
    if request.method == "POST" and form.is_valid():
        skill = apply(form, lambda: services.create_skill(by=request.user, **form.cleaned_data))
        if skill is not None:
            messages.success(request, _("The skill “%(name)s” was added.") % {"name": skill.name})
            return redirect("volunteering:skill_list")
    return render(
        request,
        "volunteering/ledger/skill_form.html",
        {"form": form, "skill": None},
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_anywhere(request.user, services.CHANGE_SKILL)
    skill = get_object_or_404(Skill, pk=pk)
    form = SkillForm(
        request.POST or None, initial={"name": skill.name, "category": skill.category, "order": skill.order}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (
            apply(form, lambda: services.update_skill(skill, by=request.user, **form.cleaned_data))
            is not None
        )
    ):
        messages.success(request, _("The skill was saved."))
        return redirect("volunteering:skill_list")
    return render(
        request,
        "volunteering/ledger/skill_form.html",
        {"form": form, "skill": skill},
        status=form_status(form) if request.method == "POST" else 200,
    )


@login_required
@require_POST
def skill_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a skill out of use (``active=0``) or back into use (``active=1``)."""
    require_anywhere(request.user, services.CHANGE_SKILL)
    skill = get_object_or_404(Skill, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_skill_active(skill, by=request.user, active=active)
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    if active:
        messages.success(request, _("The skill “%(name)s” is in use again.") % {"name": skill.name})
    else:
        messages.success(
            request, _("The skill “%(name)s” is no longer offered for new entries.") % {"name": skill.name}
        )
    return redirect("volunteering:skill_list")

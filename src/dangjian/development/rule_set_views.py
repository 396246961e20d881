"""Pages of the development rule sets: list, view, copy into a draft, edit a draft's steps,
activate, export and load a file. The 组织部 enters a revised 细则 here without a release."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangjian.core.page_permissions import require_any, run_service
from dangjian.development import rule_sets, rules
from dangjian.development.forms import RuleSetCopyForm, RuleSetLoadForm, StepEditForm
from dangjian.development.models import RuleSet, StepDefinition

VIEW = "development.view_ruleset"
CHANGE = "development.change_ruleset"


def _visible_rule_set(request, pk: int) -> RuleSet:
    require_any(request.user, VIEW)
    return get_object_or_404(
        RuleSet.objects.visible_to(request.user).select_related("org", "copied_from"), pk=pk
    )


def _require_manage(request, rule_set: RuleSet) -> None:
    if not rule_sets.can_manage(request.user, rule_set):
        raise PageForbidden(CHANGE)


@login_required
@require_GET
def rule_set_list(request):
    """Every set the user may read: national and regional, drafts, active and retired."""
    require_any(request.user, VIEW)
    sets = RuleSet.objects.visible_to(request.user).select_related("org").order_by("-effective_from", "-id")
    return render(
        request,
        "development/rule_set_list.html",
        {"rule_sets": sets, "can_load": rule_sets.can_manage(request.user, RuleSet())},
    )


@login_required
@require_GET
def rule_set_detail(request, pk: int):
    """A set's steps with their rules in words and their citations."""
    rule_set = _visible_rule_set(request, pk)
    steps = list(rule_set.steps.order_by("order", "id"))
    for step in steps:
        step.cited = [
            rules.cite(rule) + (" · " + _("warning") if rule.get("warning") else "") for rule in step.rules
        ]
    return render(
        request,
        "development/rule_set_detail.html",
        {"rule_set": rule_set, "steps": steps, "can_manage": rule_sets.can_manage(request.user, rule_set)},
    )


@login_required
def rule_set_copy(request, pk: int):
    """Copy a set into a new draft with a new effective date (a revised 细则, a regional variant)."""
    original = _visible_rule_set(request, pk)
    require_any(request.user, CHANGE)
    form = RuleSetCopyForm(request.POST or None, user=request.user, original=original)
    created: list[RuleSet] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: created.append(
                rule_sets.copy_rule_set(
                    original,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    effective_from=form.cleaned_data["effective_from"],
                    source=form.cleaned_data["source"],
                    org=form.cleaned_data["org"],
                    note=form.cleaned_data["note"],
                )
            ),
        )
    ):
        messages.success(request, _("The draft “%(name)s” is created.") % {"name": created[0].name})
        return redirect("development:rule_set_detail", pk=created[0].pk)
    return render(request, "development/rule_set_copy.html", {"rule_set": original, "form": form})


@login_required
def rule_set_step_edit(request, pk: int, step_pk: int):
    """Edit a step of a draft set; an active set is shown read-only."""
    rule_set = _visible_rule_set(request, pk)
    step = get_object_or_404(StepDefinition.objects.filter(rule_set=rule_set), pk=step_pk)
    _require_manage(request, rule_set)
    initial = {
        "name": step.name,
        "stage": step.stage,
        "order": step.order,
        "description": step.description,
        "materials": "\n".join(step.materials),
        "rules": step.rules,
        "reminder_days": step.reminder_days,
        "is_required": step.is_required,
        "is_repeatable": step.is_repeatable,
        "is_active": step.is_active,
    }
    form = StepEditForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: rule_sets.update_step(step, by=request.user, **form.cleaned_data))
    ):
        messages.success(request, _("“%(step)s” is saved.") % {"step": form.cleaned_data["name"]})
        return redirect("development:rule_set_detail", pk=rule_set.pk)
    return render(
        request, "development/rule_set_step_edit.html", {"rule_set": rule_set, "step": step, "form": form}
    )


@login_required
@require_POST
def rule_set_activate(request, pk: int):
    """Activate a draft: from its effective date it judges the steps of the branches it covers."""
    rule_set = _visible_rule_set(request, pk)
    _require_manage(request, rule_set)
    if run_service(None, lambda: rule_sets.activate_rule_set(rule_set, by=request.user), request=request):
        messages.success(request, _("“%(name)s” is active.") % {"name": rule_set.name})
    return redirect("development:rule_set_detail", pk=rule_set.pk)


@login_required
@require_GET
def rule_set_export(request, pk: int):
    """The set as a JSON file, the format the load page reads."""
    rule_set = _visible_rule_set(request, pk)
    body = json.dumps(rule_sets.export_rule_set(rule_set), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rule-set-{rule_set.pk}.json"'
    return response


@login_required
def rule_set_load(request):
    """Load a set from a JSON file as a draft (all or nothing)."""
    require_any(request.user, CHANGE)
    form = RuleSetLoadForm(request.POST or None, request.FILES or None)
    created: list[RuleSet] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            lambda: created.append(
                rule_sets.load_rule_set(form.cleaned_data["file"].read(), by=request.user)
            ),
        )
    ):
        messages.success(request, _("The draft “%(name)s” is loaded.") % {"name": created[0].name})
        return redirect("development:rule_set_detail", pk=created[0].pk)
    return render(request, "development/rule_set_load.html", {"form": form})

"""Units paired with a community (单位双报到): adding a pairing, its page and its end."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.dual_reporting import services
from dangjian.dual_reporting.forms import (
    EndForm,
    PairingForm,
    UnitPickForm,
)
from dangjian.dual_reporting.views.common import SEARCH_LIMIT, _allowed_on, _apply, _pairing, _require
from dangjian.dual_reporting.views.reports import _subject_page
from dangjian.orgs.choices import AreaKind
from dangjian.orgs.models import Area, Organization, unit_organizations

# --- pairings ---------------------------------------------------------------------------------


@login_required
def pairing_create(request, pk: int):
    """Pair a unit's party organization with this community (共建单位); the unit is found by name."""
    user = request.user
    area = get_object_or_404(Area.objects.visible_to(user).filter(kind=AreaKind.COMMUNITY), pk=pk)
    community_org = services.community_org_of(area)
    org_path = community_org.path if community_org else None
    if not _allowed_on(user, "dual_reporting.add_unitpairing", area_path=area.path, org_path=org_path):
        raise PageForbidden("dual_reporting.add_unitpairing")
    # Units sit outside the community's subtree: any unit's organization may pair.
    orgs = unit_organizations()
    picker = UnitPickForm(request.POST or None, orgs=orgs)
    form = PairingForm(request.POST or None)
    if request.method == "POST" and all([picker.is_valid(), form.is_valid()]):
        data = form.cleaned_data
        pairing = _apply(
            form,
            lambda: services.pair_unit(
                picker.cleaned_data["unit_org"],
                area,
                by=user,
                since=data["since"],
                until=data["until"],
                agreement=data["agreement"],
                community_org=community_org,
            ),
        )
        if pairing is not None:
            messages.success(
                request,
                _("%(org)s is paired with %(community)s.")
                % {"org": pairing.unit_org.name, "community": area.name},
            )
            return redirect("dual_reporting:pairing_detail", pk=pairing.pk)
    query = (request.GET.get("q") or "").strip()
    candidates: list[Organization] = []
    if query:
        candidates = list(
            orgs.filter(Q(name__icontains=query) | Q(code__iexact=query)).order_by("path")[:SEARCH_LIMIT]
        )
    elif request.method == "POST" and str(picker.data.get("unit_org") or "").isdigit():
        candidates = list(orgs.filter(pk=picker.data["unit_org"])[:1])
    options = [(org.pk, org.name, org.code) for org in candidates]
    return render(
        request,
        "dual_reporting/pairing_form.html",
        {
            "area": area,
            "form": form,
            "options": options,
            "query": query,
            "chosen": str(picker.data.get("unit_org") or ""),
            "picker": picker,
        },
    )


@login_required
@require_GET
def pairing_detail(request, pk: int):
    pairing = _pairing(request, pk)
    return _subject_page(request, pairing, "dual_reporting/pairing_detail.html")


@login_required
def pairing_end(request, pk: int):
    pairing = _pairing(request, pk)
    _require(request.user, "dual_reporting.change_unitpairing", pairing)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _apply(
            form, lambda: services.end_pairing(pairing, by=request.user, until=form.cleaned_data["ended_on"])
        )
        if done is not None:
            messages.success(request, _("The pairing has ended."))
            return redirect("dual_reporting:pairing_detail", pk=pairing.pk)
    return render(
        request, "dual_reporting/end_form.html", {"subject": pairing, "form": form, "side": "pairing"}
    )

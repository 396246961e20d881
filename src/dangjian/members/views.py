"""Pages of transfers (组织关系转接): the list of incoming and outgoing letters, a letter, and the
forms to initiate, accept and return one.

Every queryset goes through ``visible_to(user)`` (a letter is visible to both sides) and every
change through ``members.services``; the list costs a fixed number of queries.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.errors import PermissionDenied, RuleViolation
from dangjian.core.pagination import paginate
from dangjian.core.scoping import ORG, scope_of
from dangjian.members import services
from dangjian.members.forms import AcceptForm, ReturnForm, TransferFilterForm, TransferForm, receiving_orgs
from dangjian.members.models import PartyMember, Transfer

VIEW = "members.view_transfer"
# Candidates offered by the target search.
SEARCH_LIMIT = 20


def _allowed(user, permission: str, org) -> bool:
    org_path, area_path = org.audit_scope_paths()
    return scope_of(user).has_perm(permission, org_path=org_path or None, area_path=area_path or None)


def _transfers(user):
    # Columns of the list and the letter page: number, member, both organizations.
    return Transfer.objects.visible_to(user).select_related(
        "member__person", "from_org__jurisdiction", "to_org__jurisdiction"
    )


def _visible_transfer(request, pk: int) -> Transfer:
    transfer = get_object_or_404(_transfers(request.user), pk=pk)
    user = request.user
    if not (_allowed(user, VIEW, transfer.from_org) or _allowed(user, VIEW, transfer.to_org)):
        raise Http404
    return transfer


def _run(form, action) -> bool:
    """Call a service; put a refused rule on the form. True when it succeeded."""
    try:
        action()
    except PermissionDenied as error:
        raise PageForbidden(error.message) from error
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


@login_required
@require_GET
def transfer_list(request):
    """Letters into and out of the user's organizations, newest first, filtered by direction and state."""
    scope = scope_of(request.user)
    if not scope.has_any(VIEW):
        raise PageForbidden(VIEW)
    form = TransferFilterForm(request.GET or None)
    transfers = _transfers(request.user)
    if form.is_valid():
        if form.cleaned_data["state"]:
            transfers = transfers.filter(state=form.cleaned_data["state"])
        direction = form.cleaned_data["direction"]
        if direction == "in":
            transfers = transfers.filter(scope.q(ORG, "to_org__path"))
        elif direction == "out":
            transfers = transfers.filter(scope.q(ORG, "from_org__path"))
    page = paginate(request, transfers.order_by("-initiated_at", "-id"))
    return render(
        request,
        "members/transfer_list.html",
        {"form": form, "page": page, "today": timezone.localdate()},
    )


@login_required
@require_GET
def transfer_detail(request, pk: int):
    """One letter: member, both organizations, validity, state and who decided it, with the actions."""
    transfer = _visible_transfer(request, pk)
    today = timezone.localdate()
    can_decide = transfer.is_open and _allowed(request.user, "members.change_transfer", transfer.to_org)
    return render(
        request,
        "members/transfer_detail.html",
        {
            "transfer": transfer,
            "today": today,
            "can_accept": can_decide and not transfer.is_past_validity(today),
            "can_return": can_decide,
        },
    )


@login_required
def transfer_create(request, member_pk: int):
    """Initiate a transfer of a member to an organization found by search (name, code or pinyin)."""
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user).select_related("person", "org"), pk=member_pk
    )
    if not _allowed(request.user, "members.add_transfer", member.org):
        raise PageForbidden("members.add_transfer")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Transfer] = []
        if _run(
            form,
            lambda: created.append(
                services.initiate_transfer(
                    member,
                    to_org=form.cleaned_data["to_org"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            ),
        ):
            messages.success(
                request, _("Transfer letter %(number)s is issued.") % {"number": created[0].letter_number}
            )
            return redirect("members:transfer_detail", pk=created[0].pk)
    query = (request.GET.get("q") or "").strip()[:100]
    targets = []
    if query:
        targets = list(receiving_orgs().exclude(pk=member.org_id).search(query)[:SEARCH_LIMIT])
    elif request.method == "POST" and str(form.data.get("to_org", "")).isdigit():
        targets = list(receiving_orgs().filter(pk=form.data["to_org"])[:1])
    return render(
        request,
        "members/transfer_form.html",
        {
            "member": member,
            "form": form,
            "query": query,
            "options": [(target.pk, target.name, target.code) for target in targets],
            "chosen": str(form.data.get("to_org", "")),
        },
    )


@login_required
def transfer_accept(request, pk: int):
    """Confirm and accept a letter: the member moves to the receiving organization."""
    transfer = _visible_transfer(request, pk)
    if not _allowed(request.user, "members.change_transfer", transfer.to_org):
        raise PageForbidden("members.change_transfer")
    form = AcceptForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form, lambda: services.accept_transfer(transfer, by=request.user, note=form.cleaned_data["note"])
        )
    ):
        messages.success(
            request,
            _("%(name)s now belongs to “%(org)s”.")
            % {"name": transfer.member.person.name, "org": transfer.to_org.name},
        )
        return redirect("members:transfer_detail", pk=transfer.pk)
    return render(
        request, "members/transfer_decide.html", {"transfer": transfer, "form": form, "accepting": True}
    )


@login_required
def transfer_return(request, pk: int):
    """Confirm and return a letter with a reason; the member stays where they are."""
    transfer = _visible_transfer(request, pk)
    if not _allowed(request.user, "members.change_transfer", transfer.to_org):
        raise PageForbidden("members.change_transfer")
    form = ReturnForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: services.return_transfer(transfer, by=request.user, reason=form.cleaned_data["reason"]),
        )
    ):
        messages.success(
            request, _("Transfer letter %(number)s is returned.") % {"number": transfer.letter_number}
        )
        return redirect("members:transfer_detail", pk=transfer.pk)
    return render(
        request, "members/transfer_decide.html", {"transfer": transfer, "form": form, "accepting": False}
    )

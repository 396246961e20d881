"""Pages of transfers (组织关系转接): the list of incoming and outgoing letters, a letter and its
printable PDF, the forms to initiate (within the system or to the outside), register (from the
outside), accept and return one; and the political birthdays (政治生日) of an organization.

Every queryset goes through ``visible_to(user)`` (a letter is visible to both sides) and every
change through ``members.services``; the list costs a fixed number of queries.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core import audit
from dangjian.core.choices import AuditAction
from dangjian.core.errors import PermissionDenied
from dangjian.core.page_permissions import allowed, run_service
from dangjian.core.pagination import paginate
from dangjian.core.pdf import pdf_response
from dangjian.core.reauth import ask_unless_recent
from dangjian.core.scoping import ORG, scope_of
from dangjian.core.services import reveal_personal_data
from dangjian.members import birthdays, services
from dangjian.members.choices import TransferDirection
from dangjian.members.forms import (
    AcceptForm,
    BirthdayFilterForm,
    IncomingForm,
    OutgoingForm,
    ReturnForm,
    TransferFilterForm,
    TransferForm,
    receiving_orgs,
)
from dangjian.members.letter import dues_paid_through
from dangjian.members.models import PartyMember, Transfer
from dangjian.orgs.choices import BRANCH_KINDS
from dangjian.orgs.models import Organization

VIEW = "members.view_transfer"
# Candidates offered by the target search.
SEARCH_LIMIT = 20


def _transfers(user):
    # Columns of the list and the letter page: number, member, both organizations.
    return Transfer.objects.visible_to(user).select_related(
        "member__person", "incoming_person", "from_org__jurisdiction", "to_org__jurisdiction"
    )


def _visible_transfer(request, pk: int) -> Transfer:
    transfer = get_object_or_404(_transfers(request.user), pk=pk)
    user = request.user
    if not (allowed(user, VIEW, transfer.from_org) or allowed(user, VIEW, transfer.to_org)):
        raise Http404
    return transfer


@login_required
@require_GET
def transfer_list(request):
    """Letters into and out of the user's organizations, newest first, filtered by direction and state."""
    scope = scope_of(request.user)
    if not scope.has_any(VIEW):
        raise PageForbidden(VIEW)
    form = TransferFilterForm(request.GET or None)
    transfers = _transfers(request.user)
    org = None
    if form.is_valid():
        if form.cleaned_data["state"]:
            transfers = transfers.filter(state=form.cleaned_data["state"])
        direction = form.cleaned_data["direction"]
        if direction == "in":
            transfers = transfers.filter(scope.q(ORG, "to_org__path"))
        elif direction == "out":
            transfers = transfers.filter(scope.q(ORG, "from_org__path"))
        if form.cleaned_data["org"]:
            org = get_object_or_404(
                Organization.objects.visible_to(request.user, VIEW), pk=form.cleaned_data["org"]
            )
            side = {"in": "to_org__path", "out": "from_org__path"}
            if direction in side:
                transfers = transfers.filter(**{f"{side[direction]}__startswith": org.path})
            else:
                transfers = transfers.filter(
                    Q(from_org__path__startswith=org.path) | Q(to_org__path__startswith=org.path)
                )
        if form.cleaned_data["kind"]:
            transfers = transfers.filter(direction=form.cleaned_data["kind"])
        if form.cleaned_data["member"]:
            member = PartyMember.objects.filter(pk=form.cleaned_data["member"]).values("person_id").first()
            person_id = member["person_id"] if member else None
            transfers = transfers.filter(
                Q(member_id=form.cleaned_data["member"]) | Q(incoming_person_id=person_id)
            )
    page = paginate(request, transfers.order_by("-initiated_at", "-id"))
    return render(
        request,
        "members/transfer_list.html",
        {
            "form": form,
            "page": page,
            "org": org,
            "today": timezone.localdate(),
            "can_register": scope.has_any("members.add_transfer"),
        },
    )


@login_required
@require_GET
def transfer_detail(request, pk: int):
    """One letter: member, both organizations, validity, state and who decided it, with the actions."""
    transfer = _visible_transfer(request, pk)
    today = timezone.localdate()
    can_decide = transfer.is_open and allowed(
        request.user, "members.change_transfer", services.deciding_org(transfer)
    )
    return render(
        request,
        "members/transfer_detail.html",
        {
            "transfer": transfer,
            "today": today,
            "can_accept": can_decide and not transfer.is_past_validity(today),
            "can_return": can_decide,
            "can_print": transfer.direction != TransferDirection.INCOMING,
            "can_reveal": transfer.member_id is not None
            and transfer.member.person.in_scope_of(request.user, "core.reveal_personal_data"),
        },
    )


@login_required
def transfer_create(request, member_pk: int):
    """Initiate a transfer of a member to an organization found by search (name, code or pinyin)."""
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, "members.add_transfer").select_related("person", "org"),
        pk=member_pk,
    )
    if not allowed(request.user, "members.add_transfer", member.org):
        raise PageForbidden("members.add_transfer")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Transfer] = []
        if run_service(
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
    if not allowed(request.user, "members.change_transfer", services.deciding_org(transfer)):
        raise PageForbidden("members.change_transfer")
    form = AcceptForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form, lambda: services.accept_transfer(transfer, by=request.user, note=form.cleaned_data["note"])
        )
    ):
        messages.success(request, _accepted_message(transfer))
        return redirect("members:transfer_detail", pk=transfer.pk)
    return render(
        request, "members/transfer_decide.html", {"transfer": transfer, "form": form, "accepting": True}
    )


@login_required
def transfer_return(request, pk: int):
    """Confirm and return a letter with a reason; the member stays where they are."""
    transfer = _visible_transfer(request, pk)
    if not allowed(request.user, "members.change_transfer", services.deciding_org(transfer)):
        raise PageForbidden("members.change_transfer")
    form = ReturnForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
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


def _accepted_message(transfer: Transfer) -> str:
    if transfer.direction == TransferDirection.OUTGOING:
        return _("The receipt is recorded; %(name)s has left the ledger of “%(org)s”.") % {
            "name": transfer.member.person.name,
            "org": transfer.from_org.name,
        }
    name = transfer.member.person.name if transfer.member_id else transfer.incoming_person.name
    return _("%(name)s now belongs to “%(org)s”.") % {"name": name, "org": transfer.to_org.name}


@login_required
def transfer_outgoing_create(request, member_pk: int):
    """Issue a letter to a party organization outside the system; the member stays until the 回执."""
    member = get_object_or_404(
        PartyMember.objects.visible_to(request.user, "members.add_transfer").select_related("person", "org"),
        pk=member_pk,
    )
    if not allowed(request.user, "members.add_transfer", member.org):
        raise PageForbidden("members.add_transfer")
    form = OutgoingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created: list[Transfer] = []
        if run_service(
            form,
            lambda: created.append(
                services.issue_outgoing_letter(
                    member,
                    external_org_name=form.cleaned_data["external_org_name"],
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                )
            ),
        ):
            messages.success(
                request, _("Transfer letter %(number)s is issued.") % {"number": created[0].letter_number}
            )
            return redirect("members:transfer_detail", pk=created[0].pk)
    return render(request, "members/transfer_outgoing_form.html", {"member": member, "form": form})


def _branches_with(user, permission: str):
    """Active branches where ``user`` holds ``permission`` (the receiving side of a letter)."""
    scope = scope_of(user)
    branches = Organization.objects.filter(is_active=True, kind__in=BRANCH_KINDS).order_by("path")
    if scope.is_global:
        return branches
    allowed = Q(pk__in=[])
    for grant in scope.grants:
        if grant.tree == ORG and permission in grant.permissions:
            allowed |= Q(path__startswith=grant.path)
    return branches.filter(allowed)


@login_required
def transfer_incoming_create(request):
    """Register a letter from a party organization outside the system, typed in from the paper letter."""
    if not scope_of(request.user).has_any("members.add_transfer"):
        raise PageForbidden("members.add_transfer")
    form = IncomingForm(request.POST or None, branches=_branches_with(request.user, "members.add_transfer"))
    if request.method == "POST" and form.is_valid():
        created: list[Transfer] = []
        data = form.cleaned_data
        if run_service(
            form,
            lambda: created.append(
                services.register_incoming_letter(
                    to_org=data["to_org"],
                    external_org_name=data["external_org_name"],
                    external_letter_number=data["external_letter_number"],
                    name=data["name"],
                    gender=data["gender"],
                    ethnicity=data["ethnicity"],
                    id_number=data["id_number"],
                    birth_date=data["birth_date"],
                    status=data["status"],
                    joined_on=data["joined_on"],
                    regularized_on=data["regularized_on"],
                    by=request.user,
                    reason=data["reason"],
                )
            ),
        ):
            messages.success(
                request,
                _("The letter is registered as %(number)s; accept it to add the member.")
                % {"number": created[0].letter_number},
            )
            return redirect("members:transfer_detail", pk=created[0].pk)
    return render(request, "members/transfer_incoming_form.html", {"form": form})


def _age(birth_date: datetime.date | None, on: datetime.date) -> int | None:
    if birth_date is None:
        return None
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


@login_required
@require_GET
def transfer_letter_pdf(request, pk: int):
    """The printable 中国共产党党员组织关系介绍信: stub, letter and receipt, cut along dashed lines.

    The ID number is printed masked; a user who may reveal personal data can ask for the full
    one (``?full_id=1``), and that reveal is audited like any other. Printing is audited as an
    export. A letter from outside the system was printed by its issuer, so it has none here.
    """
    transfer = _visible_transfer(request, pk)
    if transfer.direction == TransferDirection.INCOMING:
        raise Http404
    person = transfer.member.person
    id_number = person.id_number_masked
    full_id = request.GET.get("full_id") == "1"
    if full_id:
        asked = ask_unless_recent(request)
        if asked is not None:
            return asked
        try:
            id_number = reveal_personal_data(
                person, "id_number", by=request.user, reason=transfer.letter_number
            )
        except PermissionDenied as error:
            raise PageForbidden(error.message) from error
    issued_on = timezone.localdate(transfer.initiated_at)
    audit.record(
        AuditAction.EXPORT,
        transfer,
        by=request.user,
        note=_("Printed the transfer letter") + (" · " + _("full ID number") if full_id else ""),
    )
    context = {
        "transfer": transfer,
        "member": transfer.member,
        "person": person,
        "id_number": id_number,
        "age": _age(person.birth_date, issued_on),
        "issued_on": issued_on,
        "valid_days": (transfer.valid_until - issued_on).days,
        "to_name": transfer.to_org.name if transfer.to_org_id else transfer.external_org_name,
        "dues_paid_through": dues_paid_through(transfer.member),
    }
    return pdf_response(
        "members/pdf/transfer_letter.html", context, filename=f"组织关系介绍信-{transfer.letter_number}.pdf"
    )


@login_required
@require_GET
def political_birthdays(request):
    """Members of the user's organizations whose 政治生日 (joining anniversary) falls this month or
    in the next 30 days, with the years since joining; paginated at a fixed cost."""
    scope = scope_of(request.user)
    if not scope.has_any("members.view_partymember"):
        raise PageForbidden("members.view_partymember")
    today = timezone.localdate()
    orgs = Organization.objects.filter(scope.q(ORG, "path")).exclude(kind__in=BRANCH_KINDS).order_by("path")
    form = BirthdayFilterForm(request.GET or None, orgs=orgs)
    window = "month"
    members = PartyMember.objects.visible_to(request.user).filter(is_active=True)
    if form.is_valid():
        window = form.cleaned_data["window"] or "month"
        if form.cleaned_data["org"] is not None:
            members = members.filter(org__path__startswith=form.cleaned_data["org"].path)
    if window == "30":
        start, end = today, today + datetime.timedelta(days=30)
    else:
        start, end = birthdays.month_window(today)
    rows = birthdays.anniversaries(members, start, end).select_related("person", "org")
    page = paginate(request, rows)
    entries = [birthdays.Anniversary.of(member, start) for member in page]
    return render(
        request,
        "members/birthday_list.html",
        {"form": form, "page": page, "entries": entries, "start": start, "end": end, "today": today},
    )

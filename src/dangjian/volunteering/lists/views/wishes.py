"""微心愿 pages for staff (the list, a wish's page, recording one for a resident, 社区下单, confirming
on the resident's behalf, withdrawing) and for the party member who claims one (党员接单, the
proof of fulfilment, giving it back, and their own wishes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as PageForbidden
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dangjian.core.pagination import paginate
from dangjian.core.scoping import scope_of
from dangjian.volunteering.choices import WishState
from dangjian.volunteering.lists import services
from dangjian.volunteering.lists.forms import ConfirmForm, ProofForm, ReasonForm, WishRecordForm
from dangjian.volunteering.lists.views.common import (
    apply,
    attempt,
    detail_url,
    filter_period,
    filter_place,
    photo_response,
    require,
    require_any,
    search,
    visible_or_404,
)
from dangjian.volunteering.models import Wish, WishPhoto

VIEW = "volunteering.view_wish"
ADD = "volunteering.add_wish"
CHANGE = "volunteering.change_wish"
LIST_RELATED = ["area", "org", "resident", "claimed_by"]


def _wish(request, pk: int) -> Wish:
    return visible_or_404(request, Wish, pk, *LIST_RELATED, "created_by")


@login_required
@require_GET
def wish_list(request):
    require_any(request.user, VIEW)
    rows = Wish.objects.visible_to(request.user).select_related(*LIST_RELATED)
    rows, area, org = filter_place(request, rows)
    state = request.GET.get("state", "")
    if state in WishState.values:
        rows = rows.filter(state=state)
    rows, period = filter_period(request, rows, "confirmed_at")
    query = request.GET.get("q", "")
    rows = search(rows, query, "title")
    page = paginate(request, rows.order_by("-created_at", "-id"))
    return render(
        request,
        "volunteering/lists/wish_list.html",
        {
            "page": page,
            "state": state,
            "states": WishState.choices,
            "query": query,
            "area": area,
            "org": org,
            "period": period,
            "can_add": scope_of(request.user).has_any(ADD),
        },
    )


@login_required
@require_GET
def wish_detail(request, pk: int):
    wish = _wish(request, pk)
    can_change = services.may(request.user, CHANGE, wish)
    return render(
        request,
        "volunteering/lists/wish_detail.html",
        {
            "wish": wish,
            "can_change": can_change,
            "can_publish": can_change and wish.state == WishState.SUBMITTED,
            "can_confirm": can_change and wish.state == WishState.FULFILLED,
            "can_withdraw": can_change and wish.state in services.WITHDRAWABLE,
            "photos": list(wish.photos.all()),
        },
    )


@login_required
def wish_create(request):
    """Staff record a resident's wish (met on a visit or by phone)."""
    require_any(request.user, ADD)
    form = WishRecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        wish = apply(form, lambda: services.record_wish(by=request.user, **form.cleaned_data))
        if wish is not None:
            messages.success(
                request,
                _("The wish was recorded. Give the resident its tracking code: %(code)s")
                % {"code": wish.tracking_code},
            )
            return redirect("volunteering:wish_detail", pk=wish.pk)
    return render(
        request,
        "volunteering/lists/form.html",
        {
            "form": form,
            "heading": _("Record a wish for a resident"),
            "cancel_href": reverse("volunteering:wish_list"),
        },
    )


@login_required
def wish_publish(request, pk: int):
    """社区下单: publish a submitted wish for party members to claim, after confirmation."""
    wish = _wish(request, pk)
    require(request.user, CHANGE, wish)
    error = ""
    if request.method == "POST":
        done, error = attempt(
            lambda: services.publish_wish(wish, by=request.user, version=request.POST.get("version"))
        )
        if done is not None:
            messages.success(request, _("The wish is published for party members to claim."))
            return redirect("volunteering:wish_detail", pk=wish.pk)
    return render(
        request,
        "volunteering/lists/confirm.html",
        {
            "object": wish,
            "heading": _("Publish “%(title)s”?") % {"title": wish.title},
            "consequence": _(
                "Party members see it on the wishes page and one of them can claim it. The resident's name "
                "is shown masked, the phone never."
            ),
            "error": error,
            "version": wish.version,
            "danger": False,
            "cancel_href": detail_url(wish),
        },
    )


@login_required
def wish_confirm(request, pk: int):
    """Confirm the fulfilment on the resident's behalf, saying how the resident confirmed."""
    wish = _wish(request, pk)
    require(request.user, CHANGE, wish)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply(
            form, lambda: services.confirm_wish(wish, by=request.user, note=form.cleaned_data["note"])
        )
        if done is not None:
            messages.success(request, _("The fulfilment is confirmed."))
            return redirect("volunteering:wish_detail", pk=wish.pk)
    return render(
        request,
        "volunteering/lists/form.html",
        {
            "form": form,
            "heading": _("Confirm for the resident"),
            "object": wish,
            "cancel_href": detail_url(wish),
        },
    )


@login_required
def wish_withdraw(request, pk: int):
    wish = _wish(request, pk)
    require(request.user, CHANGE, wish)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply(
            form, lambda: services.withdraw_wish(wish, by=request.user, reason=form.cleaned_data["reason"])
        )
        if done is not None:
            messages.success(request, _("The wish is withdrawn."))
            return redirect("volunteering:wish_detail", pk=wish.pk)
    return render(
        request,
        "volunteering/lists/form.html",
        {"form": form, "heading": _("Withdraw the wish"), "object": wish, "cancel_href": detail_url(wish)},
    )


# --- the party member who claims ---------------------------------------------------------------


def _require_member(user) -> None:
    if not services.may_claim_wishes(user):
        raise PageForbidden(_("Only a party member signed in with their own account can claim a wish."))


def _claimable(pk: int) -> Wish:
    """A wish on the public wishes page (published), or one already claimed (the page says by whom)."""
    wish = (
        Wish.objects.filter(pk=pk, state__in=[WishState.PUBLISHED, WishState.CLAIMED])
        .select_related("area", "resident")
        .first()
    )
    if wish is None:
        raise Http404
    return wish


def _own_claim(request, pk: int) -> Wish:
    person_id = getattr(request.user, "person_id", None)
    wish = (
        Wish.objects.filter(pk=pk, claimed_by_id=person_id).select_related("area", "resident").first()
        if person_id
        else None
    )
    if wish is None:
        raise Http404
    return wish


@login_required
def wish_claim(request, pk: int):
    """党员接单: a party member claims a published wish, after confirmation."""
    _require_member(request.user)
    wish = _claimable(pk)
    error = ""
    if request.method == "POST":
        done, error = attempt(lambda: services.claim_wish(wish, by=request.user))
        if done is not None:
            messages.success(
                request,
                _("You claimed “%(title)s”. Thank you! Record how you fulfilled it here.")
                % {"title": wish.title},
            )
            return redirect("volunteering:my_wishes")
    return render(
        request,
        "volunteering/lists/confirm.html",
        {
            "object": wish,
            "heading": _("Claim “%(title)s”?") % {"title": wish.title},
            "consequence": _(
                "You promise to fulfil this wish of %(resident)s in %(place)s. The community sees that you "
                "claimed it; afterwards you record how it was fulfilled."
            )
            % {"resident": services.masked_name(wish.resident.name), "place": wish.area.name},
            "error": error,
            "danger": False,
            "cancel_href": reverse("volunteering:public_wish_list"),
        },
    )


@login_required
def wish_fulfil(request, pk: int):
    """The member who claimed the wish records how it was fulfilled (the proof)."""
    wish = _own_claim(request, pk)
    form = ProofForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = apply(
            form,
            lambda: services.record_fulfilment(
                wish, by=request.user, proof=form.cleaned_data["proof"], photos=form.cleaned_data["photos"]
            ),
        )
        if done is not None:
            messages.success(request, _("Thank you! The resident will be asked to confirm."))
            return redirect("volunteering:my_wishes")
    return render(
        request,
        "volunteering/lists/form.html",
        {
            "form": form,
            "heading": _("Record the fulfilment of “%(title)s”") % {"title": wish.title},
            "cancel_href": reverse("volunteering:my_wishes"),
        },
    )


@login_required
def wish_release(request, pk: int):
    """The member gives a claimed wish back for another member, after confirmation."""
    wish = _own_claim(request, pk)
    error = ""
    if request.method == "POST":
        done, error = attempt(lambda: services.release_wish(wish, by=request.user))
        if done is not None:
            messages.success(request, _("The wish is open for other members again."))
            return redirect("volunteering:my_wishes")
    return render(
        request,
        "volunteering/lists/confirm.html",
        {
            "object": wish,
            "heading": _("Give “%(title)s” back?") % {"title": wish.title},
            "consequence": _("The wish is published again so that another party member can claim it."),
            "error": error,
            "cancel_href": reverse("volunteering:my_wishes"),
        },
    )


@login_required
@require_GET
def wish_photo(request, pk: int):
    """A photo of a fulfilled wish, to staff who see the wish and to the member who fulfilled it;
    anyone else gets 404 (never served from a public URL)."""
    photo = get_object_or_404(WishPhoto.objects.select_related("wish"), pk=pk)
    if not (
        services._is_claimer(request.user, photo.wish)
        or Wish.objects.visible_to(request.user).filter(pk=photo.wish_id).exists()
    ):
        raise Http404
    return photo_response(photo)


@login_required
@require_GET
def my_wishes(request):
    """The wishes the signed-in member claimed, newest first, with what to do next."""
    person_id = getattr(request.user, "person_id", None)
    if not person_id:
        raise PageForbidden(_("Only a party member signed in with their own account can claim a wish."))
    rows = (
        Wish.objects.filter(claimed_by_id=person_id)
        .select_related("area", "resident")
        .order_by("-claimed_at", "-id")
    )
    page = paginate(request, rows)
    for wish in page:
        wish.resident_shown = services.masked_name(wish.resident.name)
    return render(request, "volunteering/lists/my_wishes.html", {"page": page})

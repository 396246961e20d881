"""The notifications inbox: reminders and flags addressed to the user, or to an office whose
notices the user's roles allow (``core.notifications``), unread first, and marking them read.

Each reader keeps their own read marks: an org notice read by one secretary stays unread for the
other. Opening a notice marks it read and follows its link only after checking again that the
reader may open it; otherwise the page explains why in plain words instead of a 403 or 404.
Each user chooses which notices also reach them by e-mail or SMS, and their quiet hours.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangjian.core.choices import NoticeGroup
from dangjian.core.errors import NotFound, RuleViolation
from dangjian.core.notice_channels import preference_of, update_preferences
from dangjian.core.notifications import for_user, mark_all_read, mark_read, open_target, read_by
from dangjian.core.pagination import paginate


def _visible(request, pk: int):
    """A notice the user may read; 404 otherwise (not theirs, or their role no longer reaches it)."""
    notification = for_user(request.user).filter(pk=pk).first()
    if notification is None:
        raise NotFound(
            _(
                "This notice does not exist, or it is not addressed to you: your roles do not (or no "
                "longer) allow you to read it."
            )
        )
    return notification


@login_required
@require_GET
def notification_list(request):
    """The user's notifications, unread first and then newest first; a fixed number of queries."""
    unread_only = request.GET.get("unread") == "1"
    notifications = for_user(request.user).annotate(is_read=read_by(request.user))
    if unread_only:
        notifications = notifications.filter(is_read=False)
    ordered = notifications.order_by("is_read", "-created_at", "-id")
    page = paginate(request, ordered)
    return render(request, "core/notification_list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_GET
def notification_open(request, pk: int):
    """Open a notice: mark it read and follow its link when the reader may still open it, else
    explain (the record moved out of their scope, their role changed) instead of a 403/404."""
    notification = _visible(request, pk)
    mark_read(request.user, notification)
    target = open_target(request.user, notification)
    if target.url:
        return redirect(target.url)
    return render(
        request, "core/notification_open.html", {"notification": notification, "refusal": target.refusal}
    )


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read; with ``follow``, open it as ``notification_open`` does."""
    notification = _visible(request, pk)
    if request.POST.get("follow"):
        return redirect("core:notification_open", pk=notification.pk)
    mark_read(request.user, notification)
    return redirect("core:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    """Mark every unread notification the user can see as read (for this user only)."""
    count = mark_all_read(request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("core:notification_list")


class NoticePreferenceForm(forms.Form):
    email_groups = forms.MultipleChoiceField(
        label=gettext_lazy("E-mail"), choices=NoticeGroup.choices, required=False
    )
    sms_groups = forms.MultipleChoiceField(
        label=gettext_lazy("SMS"), choices=NoticeGroup.choices, required=False
    )
    quiet_enabled = forms.BooleanField(
        label=gettext_lazy("Hold e-mail and SMS during quiet hours"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    quiet_start = forms.TimeField(
        label=gettext_lazy("Quiet from"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=gettext_lazy("Quiet until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    """The user's own choice of channels per group of notices (the inbox always) and quiet hours."""
    preference = preference_of(request.user)
    initial = {
        "email_groups": preference.email_groups,
        "sms_groups": preference.sms_groups,
        "quiet_enabled": preference.quiet_enabled,
        "quiet_start": preference.quiet_start,
        "quiet_end": preference.quiet_end,
        "version": preference.version,
    }
    form = NoticePreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_preferences(
                request.user,
                email_groups=data["email_groups"],
                sms_groups=data["sms_groups"],
                quiet_enabled=data["quiet_enabled"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                version=data["version"],
            )
        except RuleViolation as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your notice settings are saved."))
            return redirect("core:notification_preferences")
    chosen = {
        "email": set(form["email_groups"].value() or []),
        "sms": set(form["sms_groups"].value() or []),
    }
    rows = [
        {"code": code, "label": label, "email": code in chosen["email"], "sms": code in chosen["sms"]}
        for code, label in NoticeGroup.choices
    ]
    return render(
        request,
        "core/notification_preferences.html",
        {
            "form": form,
            "rows": rows,
            "has_email": bool(request.user.email),
            "mobile_masked": getattr(request.user, "mobile_masked", ""),
        },
    )

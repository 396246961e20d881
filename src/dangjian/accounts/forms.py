"""Forms of the accounts pages: signing in (username or mobile) and creating API tokens."""

from __future__ import annotations

import datetime
import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts import services
from dangjian.core.validators import EXPIRY_DATES


class LoginForm(AuthenticationForm):
    """Sign in by username or mobile number; refused for a while after repeated failures."""

    username = UsernameField(
        label=_("Username or mobile number"),
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The username, mobile number or password is not correct. Please check them and try again."
        ),
        "inactive": _("This account has been disabled. Please contact your administrator."),
        "locked": _(
            "Too many failed sign-in attempts for this account. Please try again in %(minutes)s minutes, "
            "or ask your administrator to reset your password."
        ),
    }

    # Minutes left of a lockout found by ``clean`` (None: not locked), for the 429 answer's Retry-After.
    lock_minutes: int | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and self.cleaned_data.get("password") is not None:
            until = services.login_locked_until(username)
            if until is not None:
                services.record_failed_login(username, refused=True)
                minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
                self.lock_minutes = minutes
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"minutes": minutes}
                )
        return super().clean()


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("What the token is for, e.g. the script or system that will use it."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional. The token stops working at the end of this day. Leave empty for no expiry."),
    )

    def clean_expires_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The date must be today or later."))
        EXPIRY_DATES(value)  # a far year would overflow the end-of-day arithmetic below
        return value

    def expires_at(self) -> datetime.datetime | None:
        """The end of the chosen day in the server's time zone (the start of the next day)."""
        value = self.cleaned_data.get("expires_on")
        if value is None:
            return None
        next_day = datetime.datetime.combine(value + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(next_day)

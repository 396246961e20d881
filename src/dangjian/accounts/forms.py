"""Forms of the accounts pages: signing in (username or mobile, then a code when enrolled), confirming
the identity, creating API tokens and enrolling an authenticator app."""

from __future__ import annotations

import datetime
import math

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.accounts import services, throttle, tokens, totp
from dangjian.accounts.choices import TokenScope
from dangjian.core.errors import RuleViolation
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
        "throttled": _(
            "Too many failed sign-in attempts from this network address. Please try again in "
            "%(minutes)s minutes."
        ),
    }

    # Seconds until a lockout or a throttle found by ``clean`` ends (None: neither), for the 429
    # answer's Retry-After.
    retry_after: int | None = None

    def _refuse(self, username: str, code: str, seconds: int, note: str) -> forms.ValidationError:
        services.record_failed_login(username, note=note)
        self.retry_after = seconds
        return forms.ValidationError(
            self.error_messages[code], code=code, params={"minutes": max(1, math.ceil(seconds / 60))}
        )

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and self.cleaned_data.get("password") is not None:
            # The address first: a throttled machine learns nothing about the account it names.
            try:
                throttle.check_address(self.request)
            except throttle.RateLimited as error:
                raise self._refuse(
                    username, "throttled", error.retry_after, services.THROTTLED_NOTE
                ) from None
            until = services.login_locked_until(username)
            if until is not None:
                throttle.count_failure(self.request)
                seconds = math.ceil((until - timezone.now()).total_seconds())
                raise self._refuse(username, "locked", seconds, services.LOCKED_NOTE)
        try:
            return super().clean()
        except forms.ValidationError:
            throttle.count_failure(self.request)
            raise


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=64,
        help_text=_("What the token is for, e.g. the script or system that will use it."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the token may do"),
        choices=TokenScope.choices,
        initial=[TokenScope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose only what the script needs. Revealing personal information and exporting are audited."
        ),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The token stops working at the end of this day: 90 days by default, one year at most."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + tokens.DEFAULT_LIFETIME

    def clean_expires_on(self) -> datetime.date | None:
        value = self.cleaned_data.get("expires_on")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("The date must be today or later."))
        EXPIRY_DATES(value)  # a far year names itself as out of range (tests/test_extreme_input.py)
        if value is not None and value > timezone.localdate() + datetime.timedelta(days=365):
            raise forms.ValidationError(
                _("An API token can be valid for one year at most; please choose an earlier date.")
            )
        return value

    def expires_at(self) -> datetime.datetime:
        """The end of the chosen day in the server's time zone (the start of the next day)."""
        value = self.cleaned_data["expires_on"]
        next_day = datetime.datetime.combine(value + datetime.timedelta(days=1), datetime.time.min)
        return timezone.make_aware(next_day)


def _code_field(**attrs) -> forms.CharField:
    return forms.CharField(
        label=_("Verification code"),
        max_length=16,
        strip=True,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "none", **attrs}
        ),
    )


class GuardedForm(forms.Form):
    """A form where a signed-in or half-signed-in user proves who they are again (password or
    code): refused while the account is locked or the address throttled, and every wrong answer
    is a failed sign-in (audited, counted toward the lockout and the address's throttle)."""

    retry_after: int | None = None

    def __init__(self, user, *args, request=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def guard(self) -> None:
        """Raise the 429 kind of error when the address is throttled or the account locked."""
        username = self.user.get_username()
        try:
            throttle.check_address(self.request)
        except throttle.RateLimited as error:
            services.record_failed_login(username, note=services.THROTTLED_NOTE)
            self.retry_after = error.retry_after
            raise forms.ValidationError(
                LoginForm.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, math.ceil(error.retry_after / 60))},
            ) from None
        until = services.login_locked_until(username)
        if until is not None:
            services.record_failed_login(username, note=services.LOCKED_NOTE)
            self.retry_after = math.ceil((until - timezone.now()).total_seconds())
            raise forms.ValidationError(
                LoginForm.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, math.ceil(self.retry_after / 60))},
            )

    def failed(self, message, *, code: str, note: str = "") -> forms.ValidationError:
        services.record_failed_login(self.user.get_username(), note=note)
        throttle.count_failure(self.request)
        return forms.ValidationError(message, code=code)

    @property
    def refused(self) -> bool:
        """Whether the answer is the 429 page rather than the form."""
        return self.has_error(NON_FIELD_ERRORS, "locked") or self.has_error(NON_FIELD_ERRORS, "throttled")

    def check_code(self, code: str) -> str:
        """Use up one code of the user's authenticator app (or a recovery code); its kind."""
        try:
            return totp.verify(self.user, code)
        except RuleViolation as error:
            raise self.failed(error.message, code="invalid_code", note=totp.WRONG_CODE_NOTE) from None


class SecondStepForm(GuardedForm):
    """The second step of signing in for a user with an authenticator app (accounts.totp)."""

    code = _code_field(autofocus=True)

    used: str = ""

    def clean(self):
        code = self.cleaned_data.get("code")
        if code is None:
            return self.cleaned_data
        self.guard()
        self.used = self.check_code(code)
        return self.cleaned_data


class ReauthForm(GuardedForm):
    """Confirm the signed-in user's password before a reveal or an export (core.reauth), and
    their code when they have enrolled an authenticator app.

    A wrong password or code is a failed sign-in: audited, and counted toward the account's
    lockout and the client address's throttle, so an unattended session cannot be used to guess it.
    """

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, user, *args, request=None, **kwargs) -> None:
        super().__init__(user, *args, request=request, **kwargs)
        if totp.is_enrolled(user):
            self.fields["code"] = _code_field()

    def clean(self):
        password = self.cleaned_data.get("password")
        if password is None or ("code" in self.fields and self.cleaned_data.get("code") is None):
            return self.cleaned_data
        self.guard()
        if not self.user.check_password(password):
            raise self.failed(_("The password is not correct. Please try again."), code="invalid_password")
        if "code" in self.fields:
            self.check_code(self.cleaned_data["code"])
        return self.cleaned_data


class TotpEnrolForm(forms.Form):
    """The first code of a newly scanned authenticator app: proof that it holds the secret."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        help_text=_("Enter the 6-digit code the app shows after scanning."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class TotpDisableForm(GuardedForm):
    """Removing one's own authenticator app needs the password and a code, both counted as
    sign-in attempts: an unattended session is not enough to weaken the account."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field()

    def clean(self):
        password, code = self.cleaned_data.get("password"), self.cleaned_data.get("code")
        if password is None or code is None:
            return self.cleaned_data
        self.guard()
        if not self.user.check_password(password):
            raise self.failed(_("The password is not correct. Please try again."), code="invalid_password")
        self.check_code(code)
        return self.cleaned_data

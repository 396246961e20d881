"""Pages of accounts: signing in and out (with the code of an authenticator app when enrolled),
each user's own API tokens and their two-step sign-in."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as PageForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.accounts import services, totp
from dangjian.accounts.forms import (
    LoginForm,
    ReauthForm,
    SecondStepForm,
    TokenCreateForm,
    TotpDisableForm,
    TotpEnrolForm,
)
from dangjian.accounts.models import ApiToken
from dangjian.accounts.tokens import issue_token, may_use_api, revoke_token
from dangjian.core import reauth as recent
from dangjian.core.errors import RuleViolation, too_many_requests
from dangjian.core.personal import decrypt, encrypt


class LoginView(auth_views.LoginView):
    """The sign-in page; ``?next=`` is honoured when it points inside the platform."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False

    def form_invalid(self, form):
        """A locked account or a throttled address answers 429 (the site's page saying why and for
        how long), not the form."""
        if form.has_error(NON_FIELD_ERRORS, "locked") or form.has_error(NON_FIELD_ERRORS, "throttled"):
            return too_many_requests(self.request, form.non_field_errors()[0], retry_after=form.retry_after)
        return super().form_invalid(form)

    def form_valid(self, form):
        """An enrolled user is not signed in yet: the code of their app comes next."""
        user = form.get_user()
        if totp.is_enrolled(user):
            totp.begin_second_step(self.request, user, self.get_success_url())
            return redirect("accounts:login_code")
        return super().form_valid(form)


login = LoginView.as_view()


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    """The second step of signing in: the code of the authenticator app, or a recovery code.

    Only after it is the session signed in. Without a password given here in the last few
    minutes, back to the sign-in page.
    """
    pending = totp.pending_sign_in(request)
    if pending is None:
        return redirect(settings.LOGIN_URL)
    user, next_url = pending
    form = SecondStepForm(user, request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            request.session.pop(totp.PENDING_KEY, None)
            auth_login(request, user, backend=user.backend)
            if form.used == "recovery":
                left = totp.device_of(user).recovery_codes_left
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; each works only once and %(count)d are "
                        "left. If your phone is lost, remove the authenticator app and enrol again."
                    )
                    % {"count": left},
                )
            return redirect(recent.safe_next(request, next_url, "/"))
        if form.refused:
            return too_many_requests(request, form.non_field_errors()[0], retry_after=form.retry_after)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


# POST only (Django's LogoutView refuses GET), so a link on another site cannot sign users out.
logout = auth_views.LogoutView.as_view()


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def reauth(request):
    """Confirm the password before a reveal of personal data or an export (core.reauth); then back
    to the page the user came from, where they repeat what they were doing."""
    next_url = recent.safe_next(request, request.POST.get("next") or request.GET.get("next"), "/")
    form = ReauthForm(request.user, request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            services.confirm_identity(request.user)
            recent.mark_authenticated(request)
            messages.success(
                request,
                _(
                    "Identity confirmed. For the next %(minutes)s minutes you can view personal "
                    "information and export without entering your password again; please repeat "
                    "what you were doing."
                )
                % {"minutes": settings.REAUTH_MINUTES},
            )
            return redirect(next_url)
        if form.refused:
            return too_many_requests(request, form.non_field_errors()[0], retry_after=form.retry_after)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "accounts/reauth.html",
        {"form": form, "next": next_url, "minutes": settings.REAUTH_MINUTES},
        status=status,
    )


def _require_api_rights(request) -> None:
    if not may_use_api(request.user):
        raise PageForbidden(
            _(
                "API tokens are for staff whose roles work with the platform's records through scripts "
                "or other systems; your roles do not include such work. Everything you can do is on the pages."
            )
        )


def _token_page(request, form: TokenCreateForm, *, new_token: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")
    # The views are never_cache: a page with a clear token must not be kept by any cache.
    return render(
        request,
        "accounts/token_list.html",
        {"tokens": tokens, "form": form, "new_token": new_token},
        status=status,
    )


@login_required
@never_cache
def token_list(request):
    _require_api_rights(request)
    return _token_page(request, TokenCreateForm())


@login_required
@never_cache
@require_POST
def token_create(request):
    """Issue a token and show it once, in the response itself (never stored or redirected)."""
    _require_api_rights(request)
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _token_page(request, form, status=400)
    try:
        token, raw = issue_token(
            request.user,
            form.cleaned_data["name"],
            by=request.user,
            expires_at=form.expires_at(),
            scopes=form.cleaned_data["scopes"],
        )
    except RuleViolation as error:
        form.add_error(None, error.message)
        return _token_page(request, form, status=400)
    messages.success(request, _("The token “%(name)s” was created.") % {"name": token.name})
    return _token_page(request, TokenCreateForm(), new_token=raw)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    """Confirm, then revoke one of the user's own tokens (another user's token is a 404)."""
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            revoke_token(token, by=request.user)
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return redirect("accounts:token_list")
    return render(request, "accounts/token_revoke.html", {"token": token})


# --- Two-step sign-in (accounts.totp) -----------------------------------------------------------


def _enrolment_secret(request) -> str:
    """The secret of the enrolment in progress, kept encrypted in the session across reloads so
    the QR code stays the one the user scanned."""
    cipher = request.session.get(totp.ENROL_KEY)
    if cipher:
        return decrypt(cipher)
    secret = totp.new_secret()
    request.session[totp.ENROL_KEY] = encrypt(secret)
    return secret


def _totp_page(request, *, form=None, disable_form=None, recovery_codes=None, status: int = 200):
    device = totp.device_of(request.user)
    context = {
        "device": device,
        "required": bool(request.session.get(totp.REQUIRED_KEY)),
        "recovery_codes": recovery_codes,
    }
    if device is None:
        secret = _enrolment_secret(request)
        context |= {
            "form": form or TotpEnrolForm(),
            "qr_svg": totp.qr_svg(totp.provisioning_uri(request.user, secret)),
            # Groups of four, as authenticator apps show and accept them typed in.
            "secret_text": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }
    else:
        context["disable_form"] = disable_form or TotpDisableForm(request.user)
    # never_cache on the views: the page holds the secret or the recovery codes.
    return render(request, "accounts/totp.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """Enrol an authenticator app: scan the QR code (or type the secret), confirm with its code,
    and read the ten recovery codes, shown only in the answer to that confirmation."""
    if request.method == "GET" or totp.is_enrolled(request.user):
        return _totp_page(request)
    form = TotpEnrolForm(request.POST)
    if not form.is_valid():
        return _totp_page(request, form=form, status=400)
    try:
        codes = totp.enrol(request.user, _enrolment_secret(request), form.cleaned_data["code"])
    except RuleViolation as error:
        form.add_error("code", error.message)
        return _totp_page(request, form=form, status=400)
    request.session.pop(totp.ENROL_KEY, None)
    request.session.pop(totp.REQUIRED_KEY, None)
    messages.success(
        request, _("Two-step sign-in is on. From now on, signing in asks for the code of your app.")
    )
    return _totp_page(request, recovery_codes=codes)


@login_required
@never_cache
@require_POST
def totp_disable(request):
    """Remove one's own authenticator app, with the password and a code."""
    if not totp.is_enrolled(request.user):
        return redirect("accounts:totp_setup")
    form = TotpDisableForm(request.user, request.POST, request=request)
    if not form.is_valid():
        if form.refused:
            return too_many_requests(request, form.non_field_errors()[0], retry_after=form.retry_after)
        return _totp_page(request, disable_form=form, status=400)
    totp.remove(request.user, by=request.user)
    messages.success(request, _("Two-step sign-in is off; signing in asks for your password only."))
    return redirect("accounts:totp_setup")

"""Pages of accounts: signing in and out, and each user's own API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as PageForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from dangjian.accounts import services
from dangjian.accounts.forms import LoginForm, ReauthForm, TokenCreateForm
from dangjian.accounts.models import ApiToken
from dangjian.accounts.tokens import issue_token, may_use_api, revoke_token
from dangjian.core import reauth as recent
from dangjian.core.errors import RuleViolation, too_many_requests


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


login = LoginView.as_view()
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
        if form.has_error(NON_FIELD_ERRORS, "locked") or form.has_error(NON_FIELD_ERRORS, "throttled"):
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

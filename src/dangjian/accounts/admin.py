"""Admin pages for users, roles and role assignments.

Role assignments are granted and withdrawn through ``accounts.services`` even here, so the
admin cannot bypass the scope check or the audit: deleting an assignment revokes it (it is
kept, inactive), and a saved assignment is never edited in place. Mobile numbers are shown
masked and set through the encrypting descriptor after validation.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dangjian.accounts import services, totp
from dangjian.accounts.models import ApiToken, Role, RoleAssignment, User
from dangjian.core.errors import RuleViolation
from dangjian.core.personal import MOBILE, lookup_hash
from dangjian.core.validators import validate_mobile


def _login_through_accounts(request, extra_context=None):
    # One sign-in page for the whole platform, so the admin gets the same lockout and audit.
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("accounts:login")
    )


admin.site.login = _login_through_accounts
admin.site.site_header = _("dangjian administration")
admin.site.site_title = _("dangjian administration")


class MobileFormMixin(forms.ModelForm):
    """A write-only mobile field: the stored number stays encrypted and only its mask is shown."""

    new_mobile = forms.CharField(
        label=_("Mobile number"),
        required=False,
        help_text=_("Leave empty to keep the current number. Used for signing in and notices."),
    )
    remove_mobile = forms.BooleanField(label=_("Remove the mobile number"), required=False)

    def clean_new_mobile(self) -> str:
        value = (self.cleaned_data.get("new_mobile") or "").strip()
        if not value:
            return ""
        validate_mobile(value)
        others = User.objects.filter(mobile_hash=lookup_hash(MOBILE, value))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("Another user already signs in with this mobile number."))
        return value

    def save(self, commit: bool = True):
        user = super().save(commit=False)
        if self.cleaned_data.get("remove_mobile"):
            user.mobile = ""
        elif self.cleaned_data.get("new_mobile"):
            user.mobile = self.cleaned_data["new_mobile"]
        if commit:
            user.save()
            self.save_m2m()
        return user


class UserChangeForm(MobileFormMixin, DjangoUserAdmin.form):
    pass


class UserCreationForm(MobileFormMixin, DjangoUserAdmin.add_form):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ("username", "full_name", "mobile_masked", "person", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("username", "first_name", "last_name")
    readonly_fields = ("mobile_masked", "last_login", "date_joined")
    raw_id_fields = ("person",)
    actions = ["remove_authenticator_apps"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email", "person")}),
        (_("Mobile number"), {"fields": ("mobile_masked", "new_mobile", "remove_mobile")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "last_name", "first_name", "new_mobile", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("name"))
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.action(
        description=_("Remove the authenticator app (two-step sign-in) of the selected users"),
        permissions=["change"],
    )
    def remove_authenticator_apps(self, request, queryset) -> None:
        """For a lost phone: the user signs in with the password alone, then enrols again.
        Audited per user by ``totp.remove``, which allows it to system administrators only."""
        removed = 0
        for user in queryset:
            try:
                removed += totp.remove(user, by=request.user)
            except RuleViolation as error:
                self.message_user(request, error.message, messages.ERROR)
                return
        self.message_user(
            request, _("Authenticator apps removed: %(count)d.") % {"count": removed}, messages.SUCCESS
        )


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_builtin", "is_global")
    list_filter = ("is_builtin", "is_global")
    search_fields = ("name", "code")
    filter_horizontal = ("permissions",)

    def get_readonly_fields(self, request, obj=None):
        # A built-in role's code is what the seeding and the code refer to.
        return ("code", "is_builtin") if obj is not None and obj.is_builtin else ("is_builtin",)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_builtin:
            return False
        return super().has_delete_permission(request, obj)


class RoleAssignmentForm(forms.ModelForm):
    """Checks the grant with the service's own rules in ``clean()`` so refusals show on the form."""

    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "org", "area")

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self):
        cleaned = super().clean()
        org, area = cleaned.get("org"), cleaned.get("area")
        if bool(org) == bool(area):
            raise ValidationError(_("Choose either a party organization or an area, not both."))
        user, role = cleaned.get("user"), cleaned.get("role")
        if user is not None and role is not None and self.actor is not None:
            try:
                services.check_can_assign(user, role, org or area, by=self.actor)
            except RuleViolation as error:
                raise ValidationError(error.message) from error
        return cleaned


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    form = RoleAssignmentForm
    list_display = ("user", "role", "org", "area", "is_active", "created_at")
    list_filter = ("is_active", "role")
    search_fields = ("user__username", "user__last_name", "user__first_name", "org__name", "area__name")
    raw_id_fields = ("user", "org", "area")
    list_select_related = ("user", "role", "org", "area")
    actions = ["revoke_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class ActorForm(form_class):
            def __init__(self, *args, **inner_kwargs):
                super().__init__(*args, actor=actor, **inner_kwargs)

        return ActorForm

    def get_readonly_fields(self, request, obj=None):
        # An assignment is never edited in place: revoke it and grant a new one.
        if obj is not None:
            return ("user", "role", "org", "area", "is_active", "created_at")
        return ()

    def save_model(self, request, obj: RoleAssignment, form, change: bool) -> None:
        if change:
            return
        created = services.assign_role(obj.user, obj.role, obj.org or obj.area, by=request.user)
        obj.pk = created.pk
        obj.created_at = created.created_at
        obj._state.adding = False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request, obj: RoleAssignment) -> None:
        # Deleting means revoking: the row stays, inactive, for the history.
        try:
            services.revoke_role(obj, by=request.user)
        except RuleViolation as error:
            self.message_user(request, error.message, messages.ERROR)

    def delete_queryset(self, request, queryset) -> None:
        self.revoke_selected(request, queryset)

    @admin.action(description=_("Revoke the selected role assignments"), permissions=["change"])
    def revoke_selected(self, request, queryset) -> None:
        revoked = 0
        for assignment in queryset.filter(is_active=True):
            try:
                services.revoke_role(assignment, by=request.user)
            except RuleViolation as error:
                self.message_user(request, f"{assignment}: {error.message}", messages.ERROR)
            else:
                revoked += 1
        self.message_user(request, _("%(count)d role assignments revoked.") % {"count": revoked})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only overview; tokens are issued and revoked by their owners on the token page."""

    list_display = (
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

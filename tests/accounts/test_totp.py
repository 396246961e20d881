"""Two-step sign-in with an authenticator app (accounts/totp.py): enrolment, the code after the
password, recovery codes, removal, and the setting that makes it required for some roles."""

from __future__ import annotations

import pyotp
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts import totp
from dangjian.accounts.models import TotpDevice
from dangjian.core.choices import AuditAction
from dangjian.core.models import AuditEntry
from dangjian.core.personal import decrypt
from tests.factories import UserFactory

PASSWORD = "correct horse 9"


def _enrol(user) -> tuple[str, list[str]]:
    """Enrol ``user`` through the service; the secret and the recovery codes."""
    secret = totp.new_secret()
    codes = totp.enrol(user, secret, pyotp.TOTP(secret).now())
    return secret, codes


def _next_code(user, secret: str) -> str:
    """The code of the step after the last one used: accepted whatever second of the step this
    test runs in (the window is one step either side of now)."""
    device = TotpDevice.objects.get(user=user)
    return pyotp.TOTP(secret).generate_otp(device.last_used_step + 1)


def _wrong_code(secret: str) -> str:
    """A code of none of the steps around now."""
    generator = pyotp.TOTP(secret)
    current = generator.timecode(timezone.now())
    valid = {generator.generate_otp(current + offset) for offset in range(-2, 3)}
    return next(code for code in ("123456", "654321", "111111") if code not in valid)


def _password_step(client, username: str = "zhang", password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def _failures(user) -> int:
    return AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED, object_id=str(user.pk)).count()


@pytest.fixture
def zhang(db):
    return UserFactory(username="zhang")


@pytest.fixture
def enrolled(zhang):
    secret, codes = _enrol(zhang)
    return zhang, secret, codes


# --- Enrolment ---------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_key_and_a_right_code_enrols(client, zhang):
    client.force_login(zhang)
    page = client.get(reverse("accounts:totp_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # drawn on the server: no script (the CSP forbids inline ones)
    secret = "".join(page.context["secret_text"].split())
    assert page.context["secret_text"] in html
    # Reloading keeps the secret the user scanned.
    assert "".join(client.get(reverse("accounts:totp_setup")).context["secret_text"].split()) == secret

    response = client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    codes = response.context["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    device = TotpDevice.objects.get(user=zhang)
    assert device.secret.clear() == secret
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="accounts.totpdevice")
    assert entry.user_id == zhang.pk
    # The codes are never shown again.
    again = client.get(reverse("accounts:totp_setup"))
    assert not any(code in again.content.decode() for code in codes)


def test_a_wrong_code_at_enrolment_enrols_nothing(client, zhang):
    client.force_login(zhang)
    secret = "".join(client.get(reverse("accounts:totp_setup")).context["secret_text"].split())
    response = client.post(reverse("accounts:totp_setup"), {"code": _wrong_code(secret)})
    assert response.status_code == 400
    assert not TotpDevice.objects.exists()


def test_the_secret_and_the_recovery_codes_are_never_stored_in_clear(enrolled):
    user, secret, codes = enrolled
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_totpdevice")
        row = " ".join(str(value) for value in cursor.fetchone())
        cursor.execute("SELECT session_data FROM django_session")
        sessions = " ".join(value for (value,) in cursor.fetchall())
    assert secret not in row and secret.lower() not in row
    assert not any(code in row or code.replace("-", "") in row for code in codes)
    assert secret not in sessions
    device = TotpDevice.objects.get(user=user)
    assert decrypt(device.secret_cipher) == secret


def test_the_secret_of_an_enrolment_in_progress_is_kept_encrypted_in_the_session(client, zhang):
    client.force_login(zhang)
    secret = "".join(client.get(reverse("accounts:totp_setup")).context["secret_text"].split())
    stored = client.session[totp.ENROL_KEY]
    assert secret not in stored and decrypt(stored) == secret


def test_key_rotation_covers_the_secret():
    from dangjian.core.management.commands.reencrypt_personal_data import encrypted_columns

    assert dict(encrypted_columns())["accounts.TotpDevice"] == ["secret_cipher"]


# --- Signing in --------------------------------------------------------------------------------


def test_an_enrolled_user_is_signed_in_only_after_the_code(client, enrolled):
    user, secret, _codes = enrolled
    response = _password_step(client, next="/members/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session
    assert client.get("/members/").status_code == 302  # not signed in yet

    page = client.get(reverse("accounts:login_code"))
    assert page.status_code == 200
    response = client.post(reverse("accounts:login_code"), {"code": _next_code(user, secret)})
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, object_id=str(user.pk)).count() == 1


def test_a_wrong_code_is_refused_and_counted_as_a_failed_sign_in(client, enrolled):
    user, secret, _codes = enrolled
    _password_step(client)
    response = client.post(reverse("accounts:login_code"), {"code": _wrong_code(secret)})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert _failures(user) == 1
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).note == totp.WRONG_CODE_NOTE


def test_five_wrong_codes_lock_the_account_even_for_the_right_password_and_code(client, enrolled):
    user, secret, _codes = enrolled
    _password_step(client)
    for _attempt in range(5):
        client.post(reverse("accounts:login_code"), {"code": _wrong_code(secret)})
    response = client.post(reverse("accounts:login_code"), {"code": _next_code(user, secret)})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert _password_step(client).status_code == 429


def test_wrong_codes_count_toward_the_addresss_throttle(client, enrolled, settings):
    settings.SIGNIN_FAILURES_PER_IP = 2
    _user, secret, _codes = enrolled
    _password_step(client)
    for _attempt in range(2):
        client.post(reverse("accounts:login_code"), {"code": _wrong_code(secret)})
    response = client.post(reverse("accounts:login_code"), {"code": _wrong_code(secret)})
    assert response.status_code == 429
    assert response["Retry-After"]


def test_a_replayed_code_is_refused(client, enrolled):
    user, secret, _codes = enrolled
    code = _next_code(user, secret)
    _password_step(client)
    assert client.post(reverse("accounts:login_code"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    _password_step(client)
    response = client.post(reverse("accounts:login_code"), {"code": code})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert _failures(user) == 1


def test_a_recovery_code_signs_in_once(client, enrolled):
    user, _secret, codes = enrolled
    _password_step(client)
    response = client.post(reverse("accounts:login_code"), {"code": codes[3].upper()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert TotpDevice.objects.get(user=user).recovery_codes_left == 9
    assert (
        AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="accounts.totpdevice").count() == 1
    )
    client.post(reverse("accounts:logout"))

    _password_step(client)
    response = client.post(reverse("accounts:login_code"), {"code": codes[3]})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_just_given_goes_back_to_the_password(client, enrolled):
    user, secret, _codes = enrolled
    response = client.post(reverse("accounts:login_code"), {"code": _next_code(user, secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_a_user_without_an_authenticator_signs_in_with_the_password_alone(client, zhang):
    response = _password_step(client)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(zhang.pk)


def test_the_api_token_is_not_asked_for_a_code(client, enrolled):
    from dangjian.accounts.tokens import issue_token

    user, _secret, _codes = enrolled
    user.is_staff = True
    user.save()
    _token, raw = issue_token(user, "script", by=user)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_confirming_the_identity_asks_for_the_code_too(client, enrolled):
    user, secret, _codes = enrolled
    client.force_login(user)
    page = client.get(reverse("accounts:reauth"))
    assert 'name="code"' in page.content.decode()
    response = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "code": _wrong_code(secret)})
    assert response.status_code == 400
    assert _failures(user) == 1
    response = client.post(
        reverse("accounts:reauth"), {"password": PASSWORD, "code": _next_code(user, secret), "next": "/"}
    )
    assert response.status_code == 302


# --- Removing it ---------------------------------------------------------------------------------


def test_the_user_removes_it_with_the_password_and_a_code(client, enrolled):
    user, secret, _codes = enrolled
    client.force_login(user)
    refused = client.post(
        reverse("accounts:totp_disable"), {"password": "wrong password 1", "code": "123456"}
    )
    assert refused.status_code == 400
    assert TotpDevice.objects.filter(user=user).exists()
    assert _failures(user) == 1

    response = client.post(
        reverse("accounts:totp_disable"), {"password": PASSWORD, "code": _next_code(user, secret)}
    )
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="accounts.totpdevice")
    assert entry.user_id == user.pk
    client.post(reverse("accounts:logout"))
    _password_step(client)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_system_administrator_removes_it_from_the_user_admin(client, enrolled, admin):
    user, _secret, _codes = enrolled
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "remove_authenticator_apps", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_type="accounts.totpdevice")
    assert entry.user_id == admin.pk and "zhang" in entry.note


def test_nobody_but_a_system_administrator_removes_anothers_authenticator(enrolled, secretary_a):
    from dangjian.core.errors import PermissionDenied

    user, _secret, _codes = enrolled
    with pytest.raises(PermissionDenied):
        totp.remove(user, by=secretary_a)
    assert TotpDevice.objects.filter(user=user).exists()


# --- Required for some roles ---------------------------------------------------------------------


def test_a_role_listed_as_requiring_it_is_sent_to_enrol_until_enrolled(
    client, secretary_a, resident, settings
):
    settings.TOTP_REQUIRED_FOR = frozenset({"org_secretary"})
    _password_step(client, username="secretary_a")
    response = client.get("/members/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:totp_setup")
    assert client.get("/api/v1/me").status_code == 403
    page = client.get(reverse("accounts:totp_setup"))
    assert page.status_code == 200
    secret = "".join(page.context["secret_text"].split())
    client.post(reverse("accounts:totp_setup"), {"code": pyotp.TOTP(secret).now()})
    assert client.get("/members/").status_code == 200

    # A user without such a role is not sent anywhere.
    client.post(reverse("accounts:logout"))
    _password_step(client, username="resident")
    assert client.get(reverse("home")).status_code == 200


def test_by_default_no_role_requires_it(client, secretary_a):
    _password_step(client, username="secretary_a")
    assert client.get("/members/").status_code == 200

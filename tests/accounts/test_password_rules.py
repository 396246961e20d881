"""Password rules: at least 10 characters and three of four kinds (accounts/passwords.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.core.generator.logins import DEMO_PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        "Ab1!x",  # four kinds, too short
        "qpwoeirutyzm",  # long, one kind
        "qpwoei58ruty",  # long, two kinds
        "QPWOEI58RUTY",
    ],
)
def test_short_or_plain_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Qpwoei58ruty", "qpwoei-58ruty", "党建平台qpwo58ei", "correct horse 9"])
def test_long_passwords_with_three_kinds_are_accepted(password):
    validate_password(password)


def test_the_published_demo_password_passes_the_rules():
    validate_password(DEMO_PASSWORD)


def test_the_refusal_says_which_kinds_are_missing(db):
    with pytest.raises(ValidationError) as caught:
        validate_password("qpwoei58ruty")
    assert any(error.code == "password_too_plain" for error in caught.value.error_list)


def test_an_admin_cannot_create_a_user_with_a_plain_password(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newuser", "password1": "qpwoei58ruty", "password2": "qpwoei58ruty"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="newuser").exists()

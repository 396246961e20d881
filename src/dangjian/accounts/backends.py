"""Sign-in by username or by mobile number (found through its keyed hash)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from dangjian.accounts.models import User
from dangjian.core.personal import MOBILE, lookup_hash


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        login = username.strip()
        user = User.objects.filter(username=login).first()
        if user is None and login.lstrip("+").isdigit():
            user = User.objects.filter(mobile_hash=lookup_hash(MOBILE, login)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal users
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

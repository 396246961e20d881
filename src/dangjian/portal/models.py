"""Phone verification for residents who report without an account (a 6-digit code sent by SMS).

Neither the phone nor the code is stored in the clear: the phone as the platform's keyed lookup
hash (the same as ``ServiceRequest.contact_phone_hash``), the code as a salted HMAC. A code is
valid for ``PORTAL_CODE_VALID_MINUTES`` and allows ``PORTAL_CODE_MAX_ATTEMPTS`` wrong guesses.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PhoneVerification(models.Model):
    """One code sent to one phone (验证码); used once, by the report it verified."""

    phone_hash = models.CharField(max_length=64, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phone_hash", "created_at"], name="portal_verification_phone")]

    def __str__(self) -> str:
        return f"{self.phone_hash[:8]}… {self.created_at:%Y-%m-%d %H:%M}"

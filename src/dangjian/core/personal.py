"""Personal information at rest (个人信息保护法): encryption, keyed hashes and masking.

ID numbers and phones are stored as three columns: Fernet ciphertext, an HMAC-SHA256 keyed
hash for exact lookup and de-duplication, and the masked form every page shows. The clear
value exists only in memory, and only after a permitted, audited reveal.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

ID_NUMBER = "id_number"
MOBILE = "mobile"


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    return MultiFernet(
        [Fernet(key.encode() if isinstance(key, str) else key) for key in settings.ENCRYPTION_KEYS]
    )


@lru_cache(maxsize=1)
def _hash_key() -> bytes:
    # Its own key (settings.LOOKUP_KEY), not an encryption key: rotating encryption keys must not
    # change the hashes that lookups and the unique constraint rely on.
    return hashlib.sha256(b"dangjian personal-data lookup v1:" + settings.LOOKUP_KEY.encode()).digest()


def reencrypt(token: str) -> str:
    """The same value encrypted under the first (newest) key; used when rotating keys."""
    return _fernet().rotate(token.encode()).decode()


def normalize(kind: str, value: str) -> str:
    """The canonical form that is hashed: no spaces, upper-case X in ID numbers, no +86."""
    value = (value or "").strip().replace(" ", "").replace("-", "")
    if kind == ID_NUMBER:
        return value.upper()
    if kind == MOBILE and value.startswith("+86"):
        return value[3:]
    return value


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - only with a wrong or lost key
        raise ValueError("个人信息无法解密：加密密钥与数据不匹配，请检查 DANGJIAN_ENCRYPTION_KEY。") from exc


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a whole file under the same keys (an uploaded workbook kept until it is confirmed)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The clear bytes of ``encrypt_bytes``; ``ValueError`` if no key in force encrypted them."""
    try:
        return _fernet().decrypt(token)
    except InvalidToken as exc:
        raise ValueError("文件无法解密：加密密钥与数据不匹配，请检查 DANGJIAN_ENCRYPTION_KEY。") from exc


def lookup_hash(kind: str, value: str) -> str:
    """Keyed hash of the normalized value: equal values give equal hashes, nothing else leaks."""
    message = f"{kind}:{normalize(kind, value)}".encode()
    return hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()


def mask(kind: str, value: str) -> str:
    """The form shown on every page: 110***********123X and 138****5678."""
    value = normalize(kind, value)
    if not value:
        return ""
    if kind == ID_NUMBER:
        if len(value) <= 7:
            return "*" * len(value)
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    if kind == MOBILE:
        if len(value) < 8:
            return "*" * len(value)
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


@dataclass(frozen=True)
class Protected:
    """A stored personal value as the application sees it: masked unless revealed.

    ``str()`` gives the masked form so a template can never print the clear value by accident;
    ``clear()`` is called only by the reveal service, which checks the permission and audits.
    """

    kind: str
    masked: str
    cipher: str

    def __str__(self) -> str:
        return self.masked

    def __bool__(self) -> bool:
        return bool(self.cipher)

    def clear(self) -> str:
        return decrypt(self.cipher) if self.cipher else ""


class EncryptedValue:
    """Descriptor over one ``<name>_cipher`` column: a secret kept only as Fernet ciphertext.

    For values nobody looks up or shows, even masked (a second-factor secret): no keyed hash
    beside it, no mask. Reading gives a :class:`Protected` whose ``str()`` is empty; ``clear()``
    decrypts. Key rotation (``reencrypt_personal_data``) finds these columns like personal ones.
    """

    def __init__(self, kind: str):
        self.kind = kind

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return Protected(self.kind, "", getattr(instance, f"{self.name}_cipher") or "")

    def __set__(self, instance, value: str | None) -> None:
        setattr(instance, f"{self.name}_cipher", encrypt(value) if value else "")


class PersonalData(EncryptedValue):
    """Descriptor joining the three columns of one personal value under one attribute.

    ``person.id_number = "..."`` encrypts, hashes and masks in one step (bulk_create included);
    reading ``person.id_number`` gives a :class:`Protected`. Validation is the caller's (forms and
    services use ``dangjian.core.validators``), so imports of legacy data can still be stored.
    """

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return Protected(
            self.kind,
            getattr(instance, f"{self.name}_masked") or "",
            getattr(instance, f"{self.name}_cipher") or "",
        )

    def __set__(self, instance, value: str | None) -> None:
        value = normalize(self.kind, value or "")
        if not value:
            setattr(instance, f"{self.name}_cipher", "")
            setattr(instance, f"{self.name}_hash", None)
            setattr(instance, f"{self.name}_masked", "")
            return
        setattr(instance, f"{self.name}_cipher", encrypt(value))
        setattr(instance, f"{self.name}_hash", lookup_hash(self.kind, value))
        setattr(instance, f"{self.name}_masked", mask(self.kind, value))

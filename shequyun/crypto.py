"""Personal data (DESIGN §6, 000 Art. 15), written once: encryption at rest, the blind index, and masking.

* **Encryption**: SM4-GCM, China's commercial-cryptography block cipher in an authenticated mode (``cryptography``).
  Ciphertexts are ``sm4gcm:<key id>:<base64(nonce | ciphertext | tag)>``, so keys can rotate: the current key
  encrypts, every configured key decrypts (``FIELD_ENCRYPTION_KEY`` and ``FIELD_ENCRYPTION_OLD_KEYS``), and
  ``manage.py rotate_field_keys`` re-encrypts the rows. Ciphertexts of the first format (``sm4gcm:v1:``, the raw
  key) are still read.
* **Keys**: separate keys for encryption and for the blind index, each derived with HKDF-SHA256 from the master
  key, so neither can be turned into the other. The key id is a short hash of the derived encryption key.
* **Blind index**: a keyed HMAC-SM3 of the normalised value, for exact-match lookups without decrypting.
* **Masking**: :func:`mask` is the one rule (first 3 and last 4 characters shown) used by pages, the API and
  exports.
* **Fields**: :class:`EncryptedTextField` keeps plaintext in Python and ciphertext in the database;
  :class:`BlindIndexField` is computed from it on save. django-auditlog never sees either value
  (``AUDITLOG_EXCLUDE_TRACKING_FIELDS``); services record *which* personal field changed, never the value.

The master key is ``FIELD_ENCRYPTION_KEY`` (32 or 64 hex characters). production.py refuses to start without it;
the embedded development mode derives a fixed key from SECRET_KEY so `make run` works out of the box.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

SCHEME = "sm4gcm"
LEGACY_PREFIX = "sm4gcm:v1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """The ciphertext was tampered with, or encrypted with a key that is no longer configured."""


def _master_keys() -> list[bytes]:
    """The current master key first, then the old ones still accepted for decryption."""
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    if configured:
        current = bytes.fromhex(configured)
        if len(current) not in (16, 32):
            raise ValueError("FIELD_ENCRYPTION_KEY must be 32 or 64 hex characters (128 or 256 bits)")
    else:  # development only: derived from SECRET_KEY (production.py requires FIELD_ENCRYPTION_KEY)
        current = hashlib.sha256(("field-key:" + settings.SECRET_KEY).encode()).digest()[:16]
    old = [bytes.fromhex(k.strip()) for k in getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", []) if k.strip()]
    return [current, *old]


@lru_cache(maxsize=16)
def _derive(master: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"shequyun:" + purpose).derive(master)


def _encryption_key(master: bytes) -> bytes:
    return _derive(master, b"field-encryption:sm4", 16)


def _index_key(master: bytes) -> bytes:
    return _derive(master, b"blind-index:hmac-sm3", 32)


def key_id(master: bytes) -> str:
    return hashlib.sha256(_encryption_key(master)).hexdigest()[:8]


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    master = _master_keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_encryption_key(master)), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return f"{SCHEME}:{key_id(master)}:" + base64.b64encode(nonce + ciphertext + encryptor.tag).decode("ascii")


def _open(key: bytes, raw: bytes) -> str:
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(ciphertext) + decryptor.finalize()).decode("utf-8")
    except Exception as exc:  # InvalidTag
        raise DecryptionError("ciphertext does not authenticate") from exc


def decrypt(token: str) -> str:
    if not token:
        return ""
    if token.startswith(LEGACY_PREFIX):  # first format: the raw master key, no key id
        raw = base64.b64decode(token[len(LEGACY_PREFIX):])
        for master in _master_keys():
            try:
                return _open(master[:16], raw)
            except DecryptionError:
                continue
        raise DecryptionError("no configured key opens this ciphertext")
    scheme, _sep, rest = token.partition(":")
    kid, _sep, body = rest.partition(":")
    if scheme != SCHEME or not body:
        raise DecryptionError("unknown ciphertext format")
    for master in _master_keys():
        if key_id(master) == kid:
            return _open(_encryption_key(master), base64.b64decode(body))
    raise DecryptionError(f"key {kid} is not configured")


def is_current(token: str) -> bool:
    """Whether ``token`` is encrypted with the current key (rotation re-encrypts the others)."""
    return not token or token.startswith(f"{SCHEME}:{key_id(_master_keys()[0])}:")


def blind_index(value: str) -> str:
    """A keyed HMAC-SM3 of a normalised value, for exact-match lookups without decrypting (e.g. duplicate phones)."""
    if not value:
        return ""
    mac = crypto_hmac.HMAC(_index_key(_master_keys()[0]), hashes.SM3())
    mac.update(normalise(value).encode("utf-8"))
    return mac.finalize().hex()


def normalise(value: str) -> str:
    return (value or "").strip().upper()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def mask(value: str | None) -> str:
    """The masking rule (脱敏) for every personal value shown anywhere: the first 3 and the last 4 characters stay,
    the rest become ``*`` (13812345678 → 138****5678, 310101199001011234 → 310***********1234); a value of 7
    characters or fewer is masked entirely."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class EncryptedTextField(models.TextField):
    """Plaintext in Python, SM4-GCM ciphertext in the database (never queryable by value: use a BlindIndexField)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        return decrypt(value) if value else ""

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> str:
        value = "" if value is None else str(value)
        return encrypt(value) if value else ""

    def value_to_string(self, obj: Any) -> str:  # serialisation (dumpdata) never writes plaintext
        return self.get_prep_value(self.value_from_object(obj))


class BlindIndexField(models.CharField):
    """HMAC of another field's normalised value, recomputed on every save."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: Any, add: bool) -> str:
        value = blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value

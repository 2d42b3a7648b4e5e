"""Field encryption for personal data (DESIGN §6, 000 Art. 15): SM4-GCM, China's commercial-cryptography block
cipher in an authenticated mode, from the ``cryptography`` package. One small module so that a certified
cryptography service (密码服务) can replace it later without touching the models.

The key is ``FIELD_ENCRYPTION_KEY`` (32 hex characters = 128 bits). production.py refuses to start without it;
the embedded development mode derives a fixed key from SECRET_KEY so `make run` works out of the box.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

PREFIX = "sm4gcm:v1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(ValueError):
    """The ciphertext was tampered with, or encrypted with another key."""


def _key() -> bytes:
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    if configured:
        key = bytes.fromhex(configured)
        if len(key) != 16:
            raise ValueError("FIELD_ENCRYPTION_KEY must be 32 hex characters (128 bits)")
        return key
    # Development only: derived from SECRET_KEY (production.py requires FIELD_ENCRYPTION_KEY).
    return hashlib.sha256(("field-key:" + settings.SECRET_KEY).encode()).digest()[:16]


def encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + ciphertext + encryptor.tag).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise DecryptionError("unknown ciphertext format")
    raw = base64.b64decode(token[len(PREFIX):])
    nonce, ciphertext, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce, tag)).decryptor()
    try:
        return (decryptor.update(ciphertext) + decryptor.finalize()).decode("utf-8")
    except Exception as exc:  # InvalidTag
        raise DecryptionError("ciphertext does not authenticate") from exc


def blind_index(value: str) -> str:
    """A keyed HMAC-SM3 of a normalised value, for exact-match lookups without decrypting (e.g. duplicate phones)."""
    if not value:
        return ""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import hmac as crypto_hmac

    mac = crypto_hmac.HMAC(_key(), hashes.SM3())
    mac.update(value.strip().upper().encode("utf-8"))
    return mac.finalize().hex()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_number(number: str) -> str:
    """310101199001011234 → 310***********1234."""
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]

"""Personal data: encrypted at rest with derived keys and key ids, one masking rule, never pre-filled in clear,
never in the audit log; import stagings encrypted, owned, expiring and purged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts.models import User
from accounts.roles import Role
from shequyun import crypto, staging
from shequyun.models import StagedImport

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"


@pytest.mark.parametrize(("value", "masked"), [
    ("13812345678", "138****5678"), ("310101199001011234", "310***********1234"), ("1234567", "*******"),
    ("", ""), (None, ""), ("12345678", "123*5678"),
])
def test_one_masking_rule(value, masked):
    assert crypto.mask(value) == masked


def test_encryption_and_index_keys_are_derived_apart_and_rotate(settings):
    settings.FIELD_ENCRYPTION_KEY = "00" * 16
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    old_token = crypto.encrypt(PHONE)
    old_index = crypto.blind_index(PHONE)
    master = bytes(16)
    assert crypto._encryption_key(master) != crypto._index_key(master)[:16]
    assert old_token.startswith(f"sm4gcm:{crypto.key_id(master)}:")
    settings.FIELD_ENCRYPTION_KEY = "11" * 32  # a new 256-bit master key; the old one kept for reading
    settings.FIELD_ENCRYPTION_OLD_KEYS = ["00" * 16]
    assert crypto.decrypt(old_token) == PHONE
    assert not crypto.is_current(old_token)
    assert crypto.is_current(crypto.encrypt(PHONE))
    assert crypto.blind_index(PHONE) != old_index
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old_token)


def test_the_first_ciphertext_format_is_still_read(settings):
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    settings.FIELD_ENCRYPTION_KEY = "ab" * 16
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(bytes.fromhex("ab" * 16)), modes.GCM(nonce)).encryptor()
    body = encryptor.update(PHONE.encode()) + encryptor.finalize()
    legacy = "sm4gcm:v1:" + base64.b64encode(nonce + body + encryptor.tag).decode()
    assert crypto.decrypt(legacy) == PHONE


def test_tampered_ciphertext_is_refused():
    token = crypto.encrypt(PHONE)
    raw = bytearray(token.encode())
    raw[-5] = ord("A") if raw[-5] != ord("A") else ord("B")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(raw.decode())


@pytest.mark.django_db
def test_the_edit_form_never_shows_personal_data_in_clear(client, make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    account = make_user("sanlinyuan", phone=PHONE, id_number=ID_NUMBER)
    client.force_login(admin)
    page = client.get(f"/accounts/manage/{account.pk}/").content.decode()
    assert PHONE not in page
    assert ID_NUMBER not in page
    assert "138****5678" in page
    assert "留空则不修改" in page
    # Saving with the fields left empty keeps both; the clear box clears one.
    response = client.post(f"/accounts/manage/{account.pk}/", {"full_name": "改名", "email": "", "phone": "",
                                                               "id_number": "", "organisation": ""})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.phone, account.id_number, account.full_name) == (PHONE, ID_NUMBER, "改名")
    client.post(f"/accounts/manage/{account.pk}/", {"full_name": "改名", "email": "", "phone": "", "id_number": "",
                                                    "organisation": "", "clear_phone": "on"})
    account.refresh_from_db()
    assert (account.phone, account.id_number) == ("", ID_NUMBER)


@pytest.mark.django_db
def test_personal_data_never_reaches_the_audit_log(make_user):
    from accounts.services.accounts import user_update

    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    account = make_user("sanlinyuan")
    user_update(actor=admin, user=account, phone=PHONE, id_number=ID_NUMBER)
    logged = " ".join(str(e.changes) for e in LogEntry.objects.get_for_object(account))
    assert PHONE not in logged
    assert ID_NUMBER not in logged
    assert "sm4gcm" not in logged
    from shequyun.models import AuditEvent, AuditEventType

    event = AuditEvent.objects.get(event_type=AuditEventType.ACCOUNT_UPDATED, target_id=str(account.pk))
    assert event.extra["fields"] == ["id_number", "phone"]


def _csv_with_personal_data() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["用户名", "姓名", "区划代码", "手机号", "身份证号"])
    writer.writerow(["stage_one", "某人", "310115015001", PHONE, ID_NUMBER])
    return buffer.getvalue().encode()


@pytest.mark.django_db
def test_import_staging_is_encrypted_owned_and_removed(client, make_user, clock):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    client.force_login(admin)
    page = client.post("/accounts/manage/import/", {"file": SimpleUploadedFile("a.csv", _csv_with_personal_data())})
    token = page.context["token"]
    staged = StagedImport.objects.get(token=token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM shequyun_stagedimport WHERE id = %s", [staged.pk])
        stored = cursor.fetchone()[0]
    assert PHONE not in stored
    assert ID_NUMBER not in stored
    # Someone else cannot use the token.
    other = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    client.force_login(other)
    client.post("/accounts/manage/import/", {"token": token})
    assert not User.objects.filter(username="stage_one").exists()
    # Cancel deletes it.
    client.force_login(admin)
    client.post("/accounts/manage/import/", {"token": token, "cancel": "1"})
    assert not StagedImport.objects.filter(token=token).exists()
    # Committing deletes it too.
    page = client.post("/accounts/manage/import/", {"file": SimpleUploadedFile("a.csv", _csv_with_personal_data())})
    token = page.context["token"]
    assert client.post("/accounts/manage/import/", {"token": token}).status_code == 200
    assert User.objects.filter(username="stage_one").exists()
    assert not StagedImport.objects.filter(token=token).exists()


@pytest.mark.django_db
def test_abandoned_stagings_expire_and_are_purged_twice_safely(make_user, clock):
    from shequyun.tasks import purge_staged_imports

    owner = make_user("dongming")
    token = staging.stage(owner=owner, kind="accounts", rows=[{"phone": PHONE}])
    clock.shift(timedelta(minutes=59))
    assert staging.take(owner=owner, kind="accounts", token=token) == [{"phone": PHONE}]
    clock.shift(timedelta(minutes=2))
    with pytest.raises(Exception, match="失效"):
        staging.take(owner=owner, kind="accounts", token=token)
    assert purge_staged_imports.delay().get() == 1
    assert purge_staged_imports.delay().get() == 0
    assert not StagedImport.objects.exists()

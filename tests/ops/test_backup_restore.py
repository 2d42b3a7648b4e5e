"""Backups with a restore that is tested (issue 16; 003 Art. 44): back up, restore into a fresh empty database
and storage with ``manage.py restore`` (a separate process, as an operator would), then compare the row count and
checksum of every table and the checksum of every file. Also: retention, refusals, the periodic task's alerts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from scenarios.models import Status
from shequyun import backups
from shequyun.models import ServiceHeartbeat
from shequyun.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[2]


def _url(db: dict, name: str) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db.get('USER') or ''}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def restore_process(*args: str, database_url: str, media: Path, var: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shequyun.settings.base", "DATABASE_URL": database_url,
           "MEDIA_ROOT": str(media), "SHEQUYUN_VAR_DIR": str(var), "CELERY_BROKER_URL": "filesystem://"}
    env.pop("AWS_STORAGE_BUCKET_NAME", None)
    return subprocess.run([sys.executable, "manage.py", "restore", *args],  # noqa: S603
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def portal_data(make_scenario, regions):  # type: ignore[no-untyped-def]
    """Regions, users, scenarios in several states with their uploaded reports, history, audit rows, one more file."""
    for status in (Status.ONLINE, Status.SUBMITTED, Status.DRAFT):
        make_scenario(status)
    default_storage.save("misc/readme.txt", ContentFile("备份测试".encode()))


def _assert_identical_after_restore(tmp_path: Path, fresh_url: str, fresh_stats) -> None:  # type: ignore[no-untyped-def]
    result = backups.backup(target=str(tmp_path / "backups"))
    manifest = json.loads((tmp_path / "backups" / result.name / "manifest.json").read_text())
    before_tables = backups.database_stats()
    before_files = backups.media_stats()
    assert manifest["database"]["tables"] == before_tables  # nothing wrote in between
    assert manifest["media"] == before_files
    assert before_files, "the fixture uploaded files"
    assert sum(t["rows"] for t in before_tables.values()) > 100

    media = tmp_path / "restored-media"
    restored = restore_process("latest", "--source", str(tmp_path / "backups"), database_url=fresh_url, media=media,
                               var=tmp_path / "var")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "all checksums match" in restored.stdout

    # Compared here too, independently of the command's own verification.
    assert fresh_stats() == before_tables
    assert backups.media_stats(FileSystemStorage(location=media)) == before_files

    # Restore refuses a database that is not empty.
    again = restore_process("latest", "--source", str(tmp_path / "backups"), database_url=fresh_url,
                            media=tmp_path / "other-media", var=tmp_path / "var")
    assert again.returncode != 0
    assert "not empty" in again.stderr


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_a_fresh_postgresql_database(portal_data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL drill (pg_dump / pg_restore); SQLite: the next test")
    import psycopg2

    db = connection.settings_dict
    fresh = f"restore_{os.getpid()}"
    admin = psycopg2.connect(dbname="postgres", user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                             host=db.get("HOST") or None, port=db.get("PORT") or None)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')

    def fresh_stats():  # type: ignore[no-untyped-def]
        conn = backups._pg_connect({**db, "NAME": fresh})
        try:
            with conn.cursor() as cursor:
                return backups.pg_table_stats(cursor)
        finally:
            conn.close()

    try:
        _assert_identical_after_restore(tmp_path, _url(db, fresh), fresh_stats)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_a_fresh_sqlite_database(portal_data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite drill; PostgreSQL: the previous test")
    fresh = tmp_path / "fresh.sqlite3"
    _assert_identical_after_restore(tmp_path, _url(connection.settings_dict, str(fresh)),
                                    lambda: backups.sqlite_table_stats(fresh))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup(portal_data, tmp_path):
    result = backups.backup(target=str(tmp_path / "backups"))
    stored = next((tmp_path / "backups" / result.name / "media").rglob("*.pdf"))
    stored.write_bytes(stored.read_bytes() + b"tampered")
    fresh = "sqlite:///" + str(tmp_path / "fresh.sqlite3")
    if connection.vendor != "sqlite":
        pytest.skip("checked on SQLite (no database to create)")
    restored = restore_process(result.name, "--source", str(tmp_path / "backups"), database_url=fresh,
                               media=tmp_path / "media", var=tmp_path / "var")
    assert restored.returncode != 0
    assert "checksum does not match" in restored.stderr


def test_retention_deletes_old_sets_but_keeps_the_newest(tmp_path):
    target = backups.Target(str(tmp_path))
    now = timezone.now()
    names = []
    for days in (90, 60, 45, 40, 35, 3, 2, 1):
        name = f"{backups.PREFIX}{(now - timedelta(days=days)).astimezone(backups.UTC):%Y%m%dT%H%M%SZ}"
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")
        names.append(name)
    (tmp_path / f"{backups.PREFIX}20200101T000000Z.partial").mkdir()  # never a complete set: not listed
    deleted = backups.prune(target, 30)
    assert deleted == names[:5]
    assert target.sets() == names[5:]
    # With only old sets, the newest three stay whatever their age.
    assert backups.prune(backups.Target(str(tmp_path)), 0) == []


@pytest.mark.django_db
def test_the_backup_task_records_success_and_alerts_the_city_security_officer_on_failure(
        make_user, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    from shequyun.tasks import check_backup_freshness, run_backup

    officer = make_user("city", roles=[Role.SECURITY_OFFICER], email="officer@example.gov.cn")
    district_officer = make_user("pudong", roles=[Role.SECURITY_OFFICER], email="pudong@example.gov.cn")
    settings.BACKUP_TARGET = str(tmp_path / "backups")
    if connection.vendor == "sqlite":
        name = run_backup.delay().get()
        assert (tmp_path / "backups" / name / "manifest.json").exists()
        assert ServiceHeartbeat.objects.get(name="backup").last_seen >= timezone.now() - timedelta(minutes=1)
        assert check_backup_freshness() is True

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise backups.BackupError("pg_dump failed: disk full")

    monkeypatch.setattr(backups, "backup", broken)
    with pytest.raises(backups.BackupError), django_capture_on_commit_callbacks(execute=True):
        run_backup.delay().get()
    alerts = Notification.objects.filter(title="数据备份失败")
    assert list(alerts.values_list("recipient", flat=True)) == [officer.pk]
    assert "disk full" in alerts.get().body
    assert district_officer.pk not in Notification.objects.values_list("recipient", flat=True)
    assert any("officer@example.gov.cn" in m.to for m in mail.outbox)


@pytest.mark.django_db
def test_a_late_backup_alerts_once_a_day(make_user):
    from shequyun.tasks import check_backup_freshness

    officer = make_user("city", roles=[Role.SECURITY_OFFICER])
    ServiceHeartbeat.objects.create(name="backup", last_seen=timezone.now() - timedelta(hours=30))
    assert check_backup_freshness() is False
    assert check_backup_freshness() is False  # idempotent: one alert per day
    alerts = Notification.objects.filter(recipient=officer, title="数据备份逾期")
    assert alerts.count() == 1
    assert "26 小时" in alerts.get().body


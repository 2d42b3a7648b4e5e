"""Uploaded files in object storage (S3 API) for several web and worker machines, still served only through scoped
views; backups to a bucket. Against moto's S3 server started as a subprocess (no Docker, nothing leaves the host)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from scenarios.models import Status
from tests.ops.production import free_port

MOTO = Path(sys.executable).with_name("moto_server")
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):  # type: ignore[no-untyped-def]
    if not MOTO.exists():
        pytest.skip("moto[server] is not installed (requirements/dev.txt)")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(MOTO), "-H", "127.0.0.1", "-p", str(port)],  # noqa: S603
                                   stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **CREDENTIALS})
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)  # noqa: S310
            break
        except OSError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):  # type: ignore[no-untyped-def]
    """The portal configured as production configures it when AWS_STORAGE_BUCKET_NAME is set."""
    import uuid

    import boto3

    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = f"media-{uuid.uuid4().hex[:8]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=bucket)
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": bucket, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
            "access_key": "testing", "secret_key": "testing", "location": "media", "default_acl": None,
            "querystring_auth": True, "querystring_expire": settings.AWS_QUERYSTRING_EXPIRE,
            "file_overwrite": False, "addressing_style": "path", "signature_version": "s3v4"}},
    }
    client.bucket = bucket  # type: ignore[attr-defined]
    return client


def test_settings_choose_object_storage_when_a_bucket_is_named(monkeypatch):
    import importlib

    import shequyun.settings.base as base

    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "shequyun-media")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://minio:9000")
    try:
        configured = importlib.reload(base).STORAGES["default"]
    finally:
        monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME")
        importlib.reload(base)
    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    assert configured["OPTIONS"]["default_acl"] is None  # private: the bucket's own policy
    assert configured["OPTIONS"]["querystring_auth"] is True
    assert configured["OPTIONS"]["querystring_expire"] <= 300
    assert base.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")  # the local folder otherwise


@pytest.mark.django_db
def test_an_uploaded_report_lives_in_the_bucket_and_is_streamed_by_the_scoped_view(s3, make_scenario, actors, client,
                                                                                  make_user):
    from django.conf import settings

    scenario = make_scenario(Status.SUBMITTED)
    name = scenario.application.risk_report.name
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=s3.bucket)["Contents"]]
    assert f"media/{name}" in keys
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    stored = s3.get_object(Bucket=s3.bucket, Key=f"media/{name}")["Body"].read()

    client.force_login(actors["reviewer"])
    response = client.get(f"/scenarios/{scenario.pk}/report/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    client.force_login(make_user("310110012000"))  # 杨浦区 控江路街道: outside the scope
    assert client.get(f"/scenarios/{scenario.pk}/report/").status_code == 404


@pytest.mark.django_db
def test_serve_file_redirects_to_a_short_presigned_url_when_asked(s3, make_scenario, rf):
    from django.core.files.storage import default_storage

    from shequyun.storage import serve_file

    name = default_storage.save("exports/report.xlsx", ContentFile(b"PK-spreadsheet"))
    field = type("F", (), {"name": name, "storage": default_storage,
                           "open": lambda self, mode="rb": default_storage.open(name, mode)})()
    response = serve_file(field, filename="report.xlsx", content_type="application/octet-stream", presigned=True)
    assert response.status_code == 302
    url = response["Location"]
    assert "X-Amz-Expires=60" in url
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url) as fetched:  # noqa: S310 — the local moto server
        assert fetched.read() == b"PK-spreadsheet"
        assert "attachment" in fetched.headers["Content-Disposition"]
    streamed = serve_file(field, filename="report.xlsx", content_type="application/octet-stream")
    assert streamed.status_code == 200
    assert b"".join(streamed.streaming_content) == b"PK-spreadsheet"
    assert streamed["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_readyz_checks_the_bucket(s3, client):
    assert client.get("/readyz").json()["checks"]["storage"] == {"ok": True, "detail": f"s3://{s3.bucket}"}
    for item in s3.list_objects_v2(Bucket=s3.bucket).get("Contents", []):
        s3.delete_object(Bucket=s3.bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=s3.bucket)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_backup_to_a_bucket_and_restore_from_it(s3, make_scenario, tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the bucket round trip runs on SQLite; the PostgreSQL drill is in test_backup_restore.py")
    from shequyun import backups
    from tests.ops.test_backup_restore import restore_process

    make_scenario(Status.ONLINE)
    s3.create_bucket(Bucket="backups")
    result = backups.backup(target="s3://backups/daily")
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="backups")["Contents"]}
    assert f"daily/{result.name}/manifest.json" in keys
    assert backups.Target("s3://backups/daily").sets() == [result.name]
    env = {"AWS_S3_ENDPOINT_URL": settings.AWS_S3_ENDPOINT_URL, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_S3_REGION_NAME": "us-east-1"}
    os.environ.update(env)
    try:
        restored = restore_process(result.name, "--source", "s3://backups/daily",
                                   database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}", media=tmp_path / "media",
                                   var=tmp_path / "var")
    finally:
        for key in env:
            os.environ.pop(key, None)
    assert restored.returncode == 0, restored.stderr
    assert backups.sqlite_table_stats(tmp_path / "fresh.sqlite3") == backups.database_stats()

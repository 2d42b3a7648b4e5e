"""Backups and restores (003 Art. 44; 001 §3(六)2(4)): ``manage.py backup`` / ``manage.py restore``.

A backup set is a folder (or a prefix in a bucket) named ``shequyun-<UTC time>``::

    db.dump | db.sqlite3     the database: pg_dump custom format, or SQLite's online backup
    media/<name>             every uploaded file, from whichever storage holds them
    manifest.json            written last: checksums of every artefact, and the row count and checksum of
                             every table and the size and SHA-256 of every file, taken from the same snapshot

Consistency: on PostgreSQL the table checksums are computed inside a REPEATABLE READ transaction whose snapshot
``pg_dump --snapshot`` also uses, so the dump and the manifest describe the same instant while the portal keeps
running. A set is complete when its manifest exists (folders are written under ``.partial`` and renamed).

Restore goes into an EMPTY database only; it verifies every artefact's checksum first, and after loading compares
the row count and checksum of every table and the checksum of every file with the manifest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, default_storage
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

FORMAT = 1
PREFIX = "shequyun-"
MANIFEST = "manifest.json"
KEEP_AT_LEAST = 3  # retention never deletes the newest sets, however old


class BackupError(Exception):
    pass


# --- checksums ---------------------------------------------------------------------------------------------------
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


_PG_TABLES = """SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
                WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"""
# Order-independent: the sum of the first 60 bits of each row's MD5, as numeric (no overflow).
_PG_TABLE_SUM = "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint::numeric), 0) FROM {} t"


def pg_table_stats(cursor: Any) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table, from the cursor's snapshot (times rendered in UTC)."""
    cursor.execute("SET LOCAL TIME ZONE 'UTC'")
    cursor.execute(_PG_TABLES)
    stats = {}
    for (table,) in cursor.fetchall():
        cursor.execute(_PG_TABLE_SUM.format(table))
        rows, checksum = cursor.fetchone()
        stats[table] = {"rows": int(rows), "checksum": str(checksum)}
    return stats


def sqlite_table_stats(path: str | Path) -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        stats = {}
        for table in tables:
            total, rows = 0, 0
            for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 — names from sqlite_master
                rows += 1
                total += int.from_bytes(hashlib.md5(repr(row).encode(), usedforsecurity=False).digest()[:8], "big")
            stats[table] = {"rows": rows, "checksum": str(total)}
        return stats
    finally:
        conn.close()


def _pg_connect(db: dict[str, Any]) -> Any:
    import psycopg2

    return psycopg2.connect(dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                            host=db.get("HOST") or None, port=db.get("PORT") or None)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def database_stats(alias: str = "default") -> dict[str, dict[str, Any]]:
    db = connections[alias].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return sqlite_table_stats(db["NAME"])
    conn = _pg_connect(db)
    try:
        with conn.cursor() as cursor:
            return pg_table_stats(cursor)
    finally:
        conn.rollback()
        conn.close()


# --- media -------------------------------------------------------------------------------------------------------
def walk_storage(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from walk_storage(storage, f"{folder}/{sub}" if folder else sub)


def media_stats(storage: Storage | None = None) -> dict[str, dict[str, Any]]:
    storage = storage or default_storage
    stats = {}
    for name in walk_storage(storage):
        digest = hashlib.sha256()
        size = 0
        with storage.open(name, "rb") as handle:
            for chunk in iter(lambda h=handle: h.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
        stats[name] = {"size": size, "sha256": digest.hexdigest()}
    return stats


# --- targets: a folder or s3://bucket/prefix ---------------------------------------------------------------------
class Target:
    """Where backup sets are kept."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.bucket = ""
        self.prefix = ""
        if spec.startswith("s3://"):
            self.bucket, _, self.prefix = spec[5:].partition("/")
            self.prefix = self.prefix.strip("/")
        else:
            self.folder = Path(spec)

    @property
    def is_s3(self) -> bool:
        return bool(self.bucket)

    def _client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, region_name=settings.AWS_S3_REGION_NAME,
                            aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
                            aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY)

    def _key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def upload(self, name: str, local: Path) -> None:
        """Store the local folder ``local`` as set ``name``; the manifest goes last (it marks completeness)."""
        files = sorted(p for p in local.rglob("*") if p.is_file())
        files.sort(key=lambda p: p.name == MANIFEST)
        if self.is_s3:
            client = self._client()
            for path in files:
                client.upload_file(str(path), self.bucket, self._key(name, path.relative_to(local).as_posix()))
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(local, partial)
        partial.rename(self.folder / name)

    def download(self, name: str, local: Path) -> Path:
        if not self.is_s3:
            source = self.folder / name
            if not (source / MANIFEST).exists():
                raise BackupError(f"{source}: no manifest, not a complete backup set")
            return source
        client = self._client()
        paginator = client.get_paginator("list_objects_v2")
        found = False
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(name) + "/"):
            for item in page.get("Contents", []):
                relative = item["Key"][len(self._key(name)) + 1:]
                path = local / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(self.bucket, item["Key"], str(path))
                found = found or relative == MANIFEST
        if not found:
            raise BackupError(f"{self.spec}/{name}: no manifest, not a complete backup set")
        return local

    def sets(self) -> list[str]:
        """Complete sets, oldest first."""
        if self.is_s3:
            client = self._client()
            names = set()
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(PREFIX)):
                for item in page.get("Contents", []):
                    relative = item["Key"][len(self._key()) + 1 if self.prefix else 0:]
                    set_name, _, rest = relative.partition("/")
                    if rest == MANIFEST:
                        names.add(set_name)
            return sorted(names)
        if not self.folder.exists():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.name.startswith(PREFIX) and (p / MANIFEST).exists())

    def delete(self, name: str) -> None:
        if self.is_s3:
            client = self._client()
            for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(name) + "/"):
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if keys:
                    client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})
            return
        shutil.rmtree(self.folder / name, ignore_errors=True)


def set_time(name: str) -> datetime | None:
    try:
        return datetime.strptime(name.removeprefix(PREFIX)[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


# --- backup ------------------------------------------------------------------------------------------------------
@dataclasses.dataclass
class BackupResult:
    name: str
    target: str
    tables: int
    rows: int
    files: int
    deleted: list[str]


def _dump_database(work: Path, alias: str) -> tuple[str, dict[str, dict[str, Any]]]:
    db = connections[alias].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        path = work / "db.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        target = sqlite3.connect(str(path))
        try:
            source.backup(target)  # SQLite's online backup: a consistent copy while others write
        finally:
            target.close()
            source.close()
        return path.name, sqlite_table_stats(path)
    # PostgreSQL: one snapshot for the checksums and the dump.
    conn = _pg_connect(db)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            stats = pg_table_stats(cursor)
            path = work / "db.dump"
            result = subprocess.run(  # noqa: S603
                [shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", f"--file={path}", "--dbname", db["NAME"]],
                env=_pg_env(db), capture_output=True, text=True, check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return path.name, stats
    finally:
        conn.rollback()
        conn.close()


def _latest_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections["default"]).migration_qs.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def backup(*, target: str | None = None, retention_days: int | None = None, alias: str = "default") -> BackupResult:
    target_obj = Target(target or settings.BACKUP_TARGET)
    name = f"{PREFIX}{timezone.now().astimezone(UTC):%Y%m%dT%H%M%SZ}"
    with tempfile.TemporaryDirectory(prefix="shequyun-backup-") as tmp:
        work = Path(tmp) / name
        (work / "media").mkdir(parents=True)
        db_file, tables = _dump_database(work, alias)
        media: dict[str, dict[str, Any]] = {}
        for stored in walk_storage(default_storage):
            local = work / "media" / stored
            local.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(stored, "rb") as source, open(local, "wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
            media[stored] = {"size": local.stat().st_size, "sha256": sha256_file(local)}
        manifest = {
            "format": FORMAT,
            "name": name,
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connections[alias].vendor, "file": db_file,
                         "sha256": sha256_file(work / db_file), "tables": tables},
            "migrations": _latest_migrations(),
            "media": media,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        target_obj.upload(name, work)
    deleted = prune(target_obj, retention_days if retention_days is not None else settings.BACKUP_RETENTION_DAYS,
                    keep=name)
    logger.info("backup %s written to %s: %d tables, %d files", name, target_obj.spec, len(tables), len(media))
    return BackupResult(name=name, target=target_obj.spec, tables=len(tables),
                        rows=sum(t["rows"] for t in tables.values()), files=len(media), deleted=deleted)


def prune(target: Target, retention_days: int, *, keep: str = "") -> list[str]:
    """Delete sets older than ``retention_days``, never the newest KEEP_AT_LEAST nor ``keep``."""
    cutoff = timezone.now() - timedelta(days=retention_days)
    names = target.sets()
    candidates = names[:-KEEP_AT_LEAST] if len(names) > KEEP_AT_LEAST else []
    deleted = []
    for name in candidates:
        when = set_time(name)
        if name != keep and when is not None and when < cutoff:
            target.delete(name)
            deleted.append(name)
    return deleted


# --- restore -----------------------------------------------------------------------------------------------------
def _database_is_empty(alias: str) -> bool:
    connection = connections[alias]
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3") and not Path(db["NAME"]).exists():
        return True
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def verify_artefacts(folder: Path, manifest: dict[str, Any]) -> None:
    database = manifest["database"]
    if sha256_file(folder / database["file"]) != database["sha256"]:
        raise BackupError(f"{database['file']}: checksum does not match the manifest")
    for name, expected in manifest["media"].items():
        path = folder / "media" / name
        if not path.is_file() or sha256_file(path) != expected["sha256"]:
            raise BackupError(f"media/{name}: missing or checksum does not match the manifest")


def compare(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[str]:
    problems = [f"{name}: missing" for name in sorted(set(expected) - set(actual))]
    problems += [f"{name}: not in the backup" for name in sorted(set(actual) - set(expected))]
    problems += [f"{name}: {expected[name]} != {actual[name]}" for name in sorted(set(expected) & set(actual))
                 if expected[name] != actual[name]]
    return problems


@dataclasses.dataclass
class RestoreResult:
    name: str
    tables: int
    rows: int
    files: int


def latest(target: str | None = None) -> str:
    names = Target(target or settings.BACKUP_TARGET).sets()
    if not names:
        raise BackupError("no complete backup set in the target")
    return names[-1]


def restore(*, name: str, source: str | None = None, alias: str = "default") -> RestoreResult:
    connection = connections[alias]
    db = connection.settings_dict
    if not _database_is_empty(alias):
        raise BackupError("the database is not empty: restore only into a freshly created, empty database")
    if any(True for _ in walk_storage(default_storage)):
        raise BackupError("the media storage is not empty: restore only into an empty storage")
    target = Target(source or settings.BACKUP_TARGET)
    with tempfile.TemporaryDirectory(prefix="shequyun-restore-") as tmp:
        folder = target.download(name, Path(tmp))
        manifest = json.loads((folder / MANIFEST).read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')}")
        verify_artefacts(folder, manifest)
        database = manifest["database"]
        if database["vendor"] != connection.vendor:
            raise BackupError(f"the backup is of {database['vendor']}, the database is {connection.vendor}")
        connection.close()
        if connection.vendor == "sqlite":
            Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            Path(db["NAME"]).unlink(missing_ok=True)
            source_db = sqlite3.connect(str(folder / database["file"]))
            target_db = sqlite3.connect(str(db["NAME"]))
            try:
                source_db.backup(target_db)
            finally:
                target_db.close()
                source_db.close()
        else:
            result = subprocess.run(  # noqa: S603
                [shutil.which("pg_restore") or "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                 "--single-transaction", "--dbname", db["NAME"], str(folder / database["file"])],
                env=_pg_env(db), capture_output=True, text=True, check=False,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        for stored in manifest["media"]:
            with open(folder / "media" / stored, "rb") as handle:
                saved = default_storage.save(stored, File(handle, name=stored))
            if saved != stored:
                raise BackupError(f"media/{stored} was stored as {saved}")
    problems = compare(database["tables"], database_stats(alias))
    problems += compare(manifest["media"], media_stats())
    if problems:
        raise BackupError("restored data differ from the manifest:\n" + "\n".join(problems))
    logger.info("restored %s: %d tables, %d files verified", name, len(database["tables"]), len(manifest["media"]))
    return RestoreResult(name=name, tables=len(database["tables"]), rows=sum(t["rows"] for t in database["tables"].values()),
                         files=len(manifest["media"]))

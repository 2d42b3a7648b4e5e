"""manage.py backup [--target DIR|s3://bucket/prefix] [--retention-days N]: database + media + manifest."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shequyun.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (consistent snapshot), the uploaded files and a manifest with checksums."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--target", help="folder or s3://bucket/prefix (default: BACKUP_TARGET)")
        parser.add_argument("--retention-days", type=int, help="delete sets older than this (default: BACKUP_RETENTION_DAYS)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(target=options["target"], retention_days=options["retention_days"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.name} → {result.target}: {result.tables} tables, {result.rows} rows, "
                          f"{result.files} files")
        for name in result.deleted:
            self.stdout.write(f"deleted (older than the retention period): {name}")

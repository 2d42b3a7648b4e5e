"""manage.py restore [NAME|latest] [--source DIR|s3://bucket/prefix]: into an empty database and storage."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shequyun.backups import BackupError, latest, restore


class Command(BaseCommand):
    help = ("Restore a backup set into an EMPTY database and media storage, verifying every checksum: the artefacts "
            "before loading, every table's row count and checksum and every file after.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name", nargs="?", default="latest", help="backup set name (default: the latest)")
        parser.add_argument("--source", help="folder or s3://bucket/prefix (default: BACKUP_TARGET)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            name = latest(options["source"]) if options["name"] == "latest" else options["name"]
            result = restore(name=name, source=options["source"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {result.name}: {result.tables} tables, {result.rows} rows, {result.files} files "
                          "— all checksums match the manifest")

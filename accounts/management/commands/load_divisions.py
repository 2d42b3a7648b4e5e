from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services.regions import DivisionFileError, regions_load


class Command(BaseCommand):
    help = "Load or refresh the Shanghai administrative divisions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(settings.DIVISIONS_CSV), help="CSV: code,name,level,parent_code")

    def handle(self, *args, **options):
        try:
            report = regions_load(csv_path=Path(options["file"]))
        except (OSError, DivisionFileError) as exc:
            raise CommandError(str(exc)) from exc
        levels = ", ".join(f"{level} {n}" for level, n in report.per_level.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Divisions loaded: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged ({levels})."
            )
        )
        if report.missing_from_file:
            self.stdout.write(self.style.WARNING(f"{len(report.missing_from_file)} regions are no longer in the file "
                                                 f"and were kept: {', '.join(report.missing_from_file[:20])}"))

"""Load the GB/T 20986-2023 categories (idempotent; corrections made in the portal are kept)."""

from django.core.management.base import BaseCommand

from security.categories import load_categories
from security.models import IncidentCategory


class Command(BaseCommand):
    help = "Create missing GB/T 20986-2023 incident categories from security/fixtures/gbt20986_2023.json."

    def handle(self, *args, **options):
        created = load_categories(IncidentCategory)
        self.stdout.write(self.style.SUCCESS(f"Incident categories: {created} created."))

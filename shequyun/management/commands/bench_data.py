"""``manage.py bench_data``: Shanghai-scale bench data on top of the real divisions (see benchmarks/data.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Generate Shanghai-scale bench data (idempotent: tops every set up to its target)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0,
                            help="multiply every target (0.01 for a quick try); 1 = Shanghai scale")

    def handle(self, *args: Any, scale: float, **options: Any) -> None:
        from benchmarks.data import SHANGHAI, generate

        counts = {name: value if name in ("events_per_scenario", "metric_days", "items_per_resource")
                  else max(1, int(value * scale)) for name, value in SHANGHAI.items()}
        started = time.monotonic()
        created = generate(counts, quiet=options["verbosity"] == 0)
        self.stdout.write(f"Bench data ready in {time.monotonic() - started:.0f}s: "
                          f"{sum(created.values()):,} rows added ({', '.join(f'{k} +{v:,}' for k, v in created.items() if v)}).")

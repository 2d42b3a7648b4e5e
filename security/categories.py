"""The GB/T 20986-2023 classification, kept as data (``security/fixtures/gbt20986_2023.json``).

:func:`load_categories` creates the codes that are missing and never overwrites a row that exists, so a correction
made by city operations survives reloads. It works with the real model and with a migration's historical model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "gbt20986_2023.json"


def read_fixture(path: Path = FIXTURE) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["categories"]


def load_categories(model: Any, path: Path = FIXTURE) -> int:
    """Create the missing categories and subcategories; returns how many rows were created."""
    existing = {row.code: row for row in model.objects.all()}
    created = 0
    for position, category in enumerate(read_fixture(path)):
        parent = existing.get(category["code"])
        if parent is None:
            parent = model.objects.create(code=category["code"], name=category["name"],
                                          description=category.get("description", ""), sort=position * 100)
            existing[parent.code] = parent
            created += 1
        for sub_position, sub in enumerate(category.get("subcategories", [])):
            if sub["code"] in existing:
                continue
            existing[sub["code"]] = model.objects.create(
                code=sub["code"], name=sub["name"], description=sub.get("description", ""), parent=parent,
                sort=position * 100 + sub_position + 1)
            created += 1
    return created

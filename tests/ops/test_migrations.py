"""Upgrades run on a live database (issue 16): every migration is listed, and any that would rewrite a table of
more than 10,000 rows on PostgreSQL is flagged — rewriting holds an ACCESS EXCLUSIVE lock for the whole copy.

Checked: every migration of the portal's own apps, and every migration of a third-party app that is not in the
baseline (tests/ops/migration_baseline.txt: what deployed databases already have), so that upgrading a library
that rewrites, say, the audit log is caught before it reaches production.

On PostgreSQL ≥ 11 these rewrite a table: changing a column's type (except widening a varchar or varchar → text),
adding a column whose database default is volatile, and data migrations (RunPython/RunSQL), which update rows.
Adding a nullable column or one with a constant default, renaming, dropping and changing choices do not. Building
an index or validating NOT NULL / a constraint does not rewrite but locks writes: listed, not failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import migrations, models
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQL
from django.db.migrations.loader import MigrationLoader

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("migration_baseline.txt")
BIG = 10_000

#: Rows expected at Shanghai scale (a city, 16 districts, ~220 streets, ~6,500 villages; ~15,000 accounts). Any
#: table not listed is assumed to be big.
EXPECTED_ROWS = {
    "accounts_region": 6_760,
    "accounts_organisation": 8_000,
    "auth_group": 10,
    "auth_permission": 500,
    "django_content_type": 150,
    "django_migrations": 300,
    "shequyun_workdayoverride": 200,
    "shequyun_serviceheartbeat": 10,
    "django_celery_beat_periodictask": 50,
    "django_celery_beat_crontabschedule": 50,
    "django_celery_beat_intervalschedule": 20,
    "django_celery_beat_solarschedule": 5,
    "django_celery_beat_clockedschedule": 5,
    "django_celery_beat_periodictasks": 1,
    "scenarios_evaluationcampaign": 1_000,
}

#: Data migrations reviewed as harmless on a live database, with the reason.
REVIEWED = {
    ("accounts", "0002_roles"): "creates the seven role groups (auth_group, a handful of rows)",
    ("security", "0002_incident_categories"): "inserts the 85 GB/T 20986-2023 categories into their new table",
    ("security", "0003_move_graded_protection"): "reads scenarios (~5,000) and inserts into the new assessment "
                                                "table; no existing table is updated",
}

PG = PostgreSQL({"NAME": "x", "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "OPTIONS": {},
                 "TIME_ZONE": None, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True,
                 "ATOMIC_REQUESTS": False, "TEST": {}})


@dataclass
class Finding:
    migration: str
    table: str
    what: str
    rewrite: bool

    @property
    def big(self) -> bool:
        return EXPECTED_ROWS.get(self.table, BIG + 1) > BIG


def _project_apps() -> set[str]:
    from django.apps import apps

    return {config.label for config in apps.get_app_configs()
            if Path(config.path).resolve().is_relative_to(ROOT) and ".venv" not in Path(config.path).parts}


def _binary_compatible(old: str | None, new: str | None) -> bool:
    if old == new:
        return True
    if old and new and old.startswith("varchar(") and (new == "text" or new.startswith("varchar(")):
        return new == "text" or int(new[8:-1]) >= int(old[8:-1])
    return False


def _volatile(default: object) -> bool:
    if default is models.NOT_PROVIDED or default is None:
        return False
    from django.db.models.functions import Now

    return isinstance(default, models.Expression) and not isinstance(default, models.Value | Now)


def analyse(loader: MigrationLoader, key: tuple[str, str]) -> list[Finding]:
    app_label, name = key
    migration = loader.graph.nodes[key]
    state = loader.project_state(key, at_end=False)
    created: set[str] = set()
    findings: list[Finding] = []
    label = f"{app_label}.{name}"

    def table_of(model_name: str) -> str:
        return state.apps.get_model(app_label, model_name)._meta.db_table

    for operation in migration.operations:
        if isinstance(operation, migrations.CreateModel):
            operation.state_forwards(app_label, state)
            created.add(table_of(operation.name))
            continue
        if isinstance(operation, migrations.RunPython | migrations.RunSQL):
            findings.append(Finding(label, "(data)", f"{type(operation).__name__}: updates rows", True))
        elif isinstance(operation, migrations.AddField | migrations.AlterField):
            model = state.apps.get_model(app_label, operation.model_name)
            table = model._meta.db_table
            if table not in created:
                new = operation.field.clone()
                new.set_attributes_from_name(operation.name)
                new.model = model
                if isinstance(operation, migrations.AddField):
                    if _volatile(getattr(new, "db_default", models.NOT_PROVIDED)):
                        findings.append(Finding(label, table, f"add {operation.name} with a volatile default", True))
                    if new.db_index or new.unique:
                        findings.append(Finding(label, table, f"index on new column {operation.name}", False))
                else:
                    old = model._meta.get_field(operation.name)
                    if not _binary_compatible(old.db_type(PG), new.db_type(PG)):
                        findings.append(Finding(label, table, f"{operation.name}: {old.db_type(PG)} → {new.db_type(PG)}", True))
                    if old.null and not new.null:
                        findings.append(Finding(label, table, f"{operation.name}: NOT NULL (scan)", False))
                    if (new.db_index or new.unique) and not (old.db_index or old.unique):
                        findings.append(Finding(label, table, f"index on {operation.name}", False))
        elif isinstance(operation, migrations.AddIndex | migrations.AddConstraint | migrations.AlterUniqueTogether):
            table = table_of(operation.model_name if hasattr(operation, "model_name") else operation.name)
            if table not in created:
                findings.append(Finding(label, table, f"{type(operation).__name__} (index build / validation)", False))
        operation.state_forwards(app_label, state)
    return findings


def checked_migrations(loader: MigrationLoader) -> list[tuple[str, str]]:
    baseline = {tuple(line.split(".", 1)) for line in BASELINE.read_text().split() if line}
    ours = _project_apps()
    return sorted(key for key in loader.graph.nodes if key[0] in ours or key not in baseline)


def test_no_migration_rewrites_a_big_table():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    keys = checked_migrations(loader)
    assert ("accounts", "0001_initial") in keys
    report, offenders = [], []
    for key in keys:
        findings = analyse(loader, key)
        report.append(f"{key[0]}.{key[1]}: " + ("; ".join(f"{f.table}: {f.what}" for f in findings) or "safe"))
        for finding in findings:
            if finding.rewrite and finding.big and key not in REVIEWED:
                offenders.append(f"{finding.migration} rewrites {finding.table} ({finding.what})")
    print("\n".join(report))  # noqa: T201 — the list of migrations, shown with -s
    assert not offenders, "migrations that rewrite a table of more than 10,000 rows:\n" + "\n".join(offenders)


def test_the_check_catches_a_type_change_and_a_data_migration():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    user_table = settings.AUTH_USER_MODEL.split(".")
    fake = migrations.Migration("9999_rewrite", "accounts")
    fake.dependencies = [max((k for k in loader.graph.nodes if k[0] == "accounts"), key=lambda k: k[1])]
    fake.operations = [
        migrations.AlterField("user", "full_name", models.TextField(blank=True)),  # varchar → text: safe
        migrations.AlterField("user", "font_scale", models.CharField(max_length=5, default="100")),  # rewrite
        migrations.AddField("user", "nickname", models.CharField(max_length=20, default="", blank=True)),  # safe
        migrations.RunPython(migrations.RunPython.noop),
    ]
    loader.graph.add_node(("accounts", "9999_rewrite"), fake)
    for parent in fake.dependencies:
        loader.graph.add_dependency(fake, ("accounts", "9999_rewrite"), parent)
    findings = analyse(loader, ("accounts", "9999_rewrite"))
    rewrites = [f.what for f in findings if f.rewrite and f.big]
    assert user_table == ["accounts", "User"]
    assert rewrites == ["font_scale: smallint → varchar(5)", "RunPython: updates rows"], findings


def test_the_baseline_covers_the_third_party_apps():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    baseline = {tuple(line.split(".", 1)) for line in BASELINE.read_text().split() if line}
    assert ("auditlog", "0001_initial") in baseline
    assert not {key for key in baseline if key[0] in _project_apps()}, "the portal's own migrations are always checked"
    assert baseline & set(loader.graph.nodes)

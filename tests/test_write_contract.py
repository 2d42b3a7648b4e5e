"""The write contract (issue 10, README "App shape"): every write of a domain row goes through a service.

A service runs in one transaction, checks permission, validates, writes, records one typed audit event and
schedules notifications on commit. So ``.save()``, ``.update()``, ``.delete()``, ``bulk_create`` and ``bulk_update``
appear only in ``services/`` modules (or an app's ``services.py``), migrations, the seeding/bench management
commands listed below, and tests — never in views, serializers, forms, tasks, admin or selectors.

The scan reads the source with ``ast``. A call counts as a model write when its method is one of the five and its
arguments look like the ORM's: ``save``/``delete``/``update`` with no positional argument (``image.save(buffer)``,
``storage.delete(name)``, ``digest.update(chunk)`` and ``dict.update(mapping)`` take one); ``bulk_*`` always.

The Django admin writes through ``ModelAdmin.save_model`` / ``delete_model`` / ``delete_queryset``: every admin of
a project model that lets anyone add, change or delete overrides them with service calls (checked at run time).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "scenarios", "content", "security", "dataassets", "shequyun")  # shequyun/notifications included
WRITES = {"save", "update", "delete", "bulk_create", "bulk_update"}

#: Management commands that write rows directly, with the reason.
SEED_COMMANDS = {
    "accounts/management/commands/load_demo.py": "demo seeding: sets demo passwords and populations on fresh rows",
    "content/management/commands/load_demo_content.py": "demo seeding: the demo accounts' passwords",
    "security/management/commands/load_demo_security.py": "demo seeding: the demo accounts' passwords",
    "dataassets/management/commands/load_demo_dataassets.py": "demo seeding: the demo accounts' passwords",
}

#: ``path::function`` outside a service module that may write, with the reason. Keep it small.
ALLOWED = {
    "shequyun/workflow.py::transition": "the workflow engine writes the new state for the calling service (only "
                                        "services call it; it locks, checks, writes and records in one transaction)",
    "shequyun/workdays.py::override_save": "the working-day calendar is a shared mechanism without an app: its two "
                                           "service functions live beside the calendar they invalidate",
    "shequyun/workdays.py::override_delete": "as override_save",
    "shequyun/staging.py::discard": "the staged-import store (a spreadsheet between upload and confirm, no domain "
                                    "rows) drops a handled token",
    "shequyun/staging.py::purge_expired": "the staged-import store's expiry",
    "shequyun/tasks.py::prune_audit_events": "retention housekeeping of audit and access logs (DESIGN §10), no "
                                             "domain rows",
}


def _is_service_module(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return "services" in rel.parts[:-1] or rel.name == "services.py"


def _skipped(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return "migrations" in rel.parts or "templates" in rel.parts or _is_service_module(path)


def _looks_like_orm_write(call: ast.Call) -> bool:
    assert isinstance(call.func, ast.Attribute)
    method = call.func.attr
    if method in {"bulk_create", "bulk_update"}:
        return True
    if call.args:  # image.save(buffer), storage.delete(name), digest.update(chunk), dict.update(mapping)
        return False
    if method == "update":
        return bool(call.keywords)  # QuerySet.update(field=…); a bare .update() is nobody's write
    return True


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.scope: list[str] = []
        self.found: list[tuple[str, int, str]] = []

    def _named(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _named

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in WRITES and _looks_like_orm_write(node):
            self.found.append((".".join(self.scope) or "<module>", node.lineno, ast.unparse(node)[:100]))
        self.generic_visit(node)


def writes_outside_services() -> list[str]:
    problems = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if _skipped(path):
                continue
            rel = path.relative_to(ROOT).as_posix()
            if rel in SEED_COMMANDS:
                continue
            finder = _Finder()
            finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
            for qualname, line, code in finder.found:
                if f"{rel}::{qualname}" not in ALLOWED:
                    problems.append(f"{rel}:{line} ({qualname}): {code}")
    return problems


def test_domain_writes_only_in_services():
    problems = writes_outside_services()
    assert not problems, ("writes outside services/ (move them into a service function, or list them in ALLOWED "
                          "with a reason):\n" + "\n".join(problems))


def test_the_lists_name_real_code():
    """A stale entry would silently allow a new write of the same name."""
    for rel in SEED_COMMANDS:
        assert (ROOT / rel).is_file(), rel
    for entry in ALLOWED:
        rel, qualname = entry.split("::")
        finder = _Finder()
        finder.visit(ast.parse((ROOT / rel).read_text(encoding="utf-8")))
        assert any(q == qualname for q, _line, _code in finder.found), f"{entry} no longer writes: drop it"


def test_the_scan_sees_a_write(tmp_path):
    source = "def view(request, pk):\n    Thing.objects.filter(pk=pk).update(name='x')\n    thing.save()\n" \
             "    image.save(buffer)\n    attrs.update({'a': 1})\n    Thing.objects.bulk_create([])\n"
    finder = _Finder()
    finder.visit(ast.parse(source))
    assert [line for _q, line, _c in finder.found] == [2, 3, 6]


@pytest.mark.django_db
def test_admin_writes_go_through_services(rf, django_user_model):
    """Every admin of a project model that may add, change or delete overrides the admin's write hooks."""
    from django.apps import apps
    from django.contrib import admin
    from django.contrib.auth.admin import UserAdmin

    project = {apps.get_containing_app_config(app).label for app in APPS} | {"notifications"}
    superuser = django_user_model(username="root", is_superuser=True, is_staff=True, is_active=True)
    request = rf.get("/admin/")
    request.user = superuser
    framework = (admin.ModelAdmin, UserAdmin)
    problems = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in project:
            continue
        hooks = []
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            hooks.append("save_model")
        if model_admin.has_delete_permission(request):
            hooks += ["delete_model", "delete_queryset"]
        for hook in hooks:
            if any(getattr(type(model_admin), hook) is getattr(base, hook) for base in framework):
                problems.append(f"{type(model_admin).__name__}.{hook} ({model._meta.label})")
    assert not problems, "admin writes that bypass the services: " + ", ".join(problems)

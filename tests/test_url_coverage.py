"""Every URL is covered by the generic scope contract (tests/scope.py) or listed here with its reason.

Walks the whole URL map: every DRF viewset (by basename) must have a ``ScopeContract`` subclass somewhere in the
test suite; every HTML page about one object (a URL with an object id or code) must be in some subclass's
``pages``; every other page is either a list page of a subclass, scope-free by nature, or listed below. A new
viewset or page without a scope test fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import tests
from tests.scope import ScopeContract, all_routes

#: Pages and endpoints that name no object of a region, with the reason.
NOT_SCOPED = {
    # portal-wide
    "home": "the signed-in user's own work bench",
    "healthz": "load-balancer probe", "readyz": "load-balancer probe",
    "set_language": "preference", "javascript-catalog": "translations", "accounts:font_scale": "preference",
    "accounts:login": "sign-in", "accounts:logout": "sign-out",
    "accounts:otp_setup": "the user's own device", "accounts:otp_verify": "the user's own device",
    "accounts:password_change": "the user's own password", "accounts:anomaly_report": "the user's own report",
    "accounts:oidc_authenticate": "unified identity sign-in", "accounts:oidc_callback": "unified identity sign-in",
    "api-token": "token issuance", "api-password": "the caller's own password",
    "api-schema": "the OpenAPI document", "api-docs": "the API documentation",
    "notifications:inbox": "the user's own inbox (Notification.objects.for_user)",
    "notifications:mark_read": "the user's own inbox",
    "notification-list": "the caller's own inbox", "notification-detail": "the caller's own inbox",
    "notification-read": "the caller's own inbox",
    # module landing pages and lists built from visible_to (their objects' pages are covered)
    "scenarios-index": "inventory list (visible_to)", "content-index": "module home", "security-index": "dashboard",
    "dataassets-index": "catalogue list (visible_to)",
    # published to a wider audience by design (DESIGN §2: "unless an object is explicitly published")
    "scenario-public": "the published inventory: online scenarios city-wide, no personal data; a scenario that is "
                       "not online answers 404 (tests/scenarios/test_scope_contracts.py::"
                       "test_public_inventory_shows_online_scenarios_only)",
    "content:public_village": "residents' public page of a village: published items only (tests/content/test_public.py)",
    "content:public_item": "residents' public page: published items only (tests/content/test_public.py)",
    "content:public_file": "a published item's file on the residents' page (tests/content/test_public.py)",
    # city-wide configuration, no owning region
    "security:category_edit": "the national incident classification (GB/T 20986) is one city-wide list without a "
                              "region; only city security officers may correct it (may_correct_categories)",
}
NOT_SCOPED_PREFIXES = ("admin:",)  # the Django admin: bootstrap superuser only


def _contracts() -> list[type[ScopeContract]]:
    root = Path(tests.__file__).parent
    for module in pkgutil.walk_packages([str(root)], prefix="tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            importlib.import_module(module.name)
    found, stack = [], list(ScopeContract.__subclasses__())
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def test_every_viewset_and_object_page_has_a_scope_contract():
    contracts = _contracts()
    basenames = {c.basename for c in contracts if c.basename}
    pages = {name for c in contracts for name in c.pages} | {c.list_page for c in contracts if c.list_page}
    uncovered = []
    for route in all_routes():
        name = route.name
        if not name or name in NOT_SCOPED or name.startswith(NOT_SCOPED_PREFIXES):
            continue
        viewset = getattr(route.callback, "cls", None)
        if viewset is not None and getattr(route.callback, "actions", None):
            basename = _basename(name, viewset)
            if basename in basenames or basename in NOT_SCOPED:
                continue
            uncovered.append(f"API {name} ({route.pattern})")
        elif route.kwargs and name not in pages:
            uncovered.append(f"page {name} ({route.pattern})")
    assert not uncovered, "no ScopeContract subclass covers (or list it in NOT_SCOPED with a reason):\n" + "\n".join(
        sorted(set(uncovered)))


def _basename(name: str, viewset: type) -> str:
    for route in all_routes():
        if getattr(route.callback, "cls", None) is viewset and route.name.endswith(("-list", "-detail")):
            return route.name.rsplit("-", 1)[0]
    return name.rsplit("-", 1)[0]


def test_the_lists_name_real_routes():
    """Every entry names a route or a viewset's basename (a stale entry would hide a new route of that name)."""
    names = {route.name for route in all_routes()}
    basenames = {name.rsplit("-", 1)[0] for name in names if name.endswith(("-list", "-detail"))}
    assert set(NOT_SCOPED) <= names | basenames | {"accounts:oidc_authenticate", "accounts:oidc_callback"}

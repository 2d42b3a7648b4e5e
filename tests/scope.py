"""The generic scope contract (DESIGN §2, §10), written once and subclassed for every API viewset and every page.

NetBox's pattern: a test class names an endpoint and says how to make three things — a *viewer*, an object
*inside* the viewer's subtree and one *outside* it (another district) — and inherits the checks:

* anonymous callers get **401** on every route of the viewset (pages: a redirect to the sign-in page);
* the inside object is listed and its detail answers **200**;
* the outside object is never listed, and every route that names it — detail, update, delete and every workflow
  action, with every method the route accepts — answers **404**, exactly as for an id that does not exist
  (same status, same body: existence does not leak);
* a forbidden action on a visible object answers **403** (when the subclass names one);
* a create naming an outside region or object writes **no row** (when the subclass names one).

API routes are discovered from the URL resolver by the viewset's ``basename``, so a new ``@action`` is covered
without touching its test. ``tests/test_url_coverage.py`` walks every URL pattern and fails when a viewset or page
is neither covered by a subclass of :class:`ScopeContract` nor listed there as public with a reason.

Minimal subclass::

    class TestItemScope(ScopeContract):
        basename = "content-item"
        model = ContentItem

        def make_viewer(self, make_user):
            return make_user("dongming", roles=[Role.STAFF])

        def make_inside(self, viewer):
            return ItemFactory(region=viewer.region)

        def make_outside(self, make_user):
            return ItemFactory(region=Region.objects.get(code=OUTSIDE))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

#: 杨浦区 控江路街道 — a street in another district than the viewers of the tests (浦东新区 / 东明路街道).
OUTSIDE = "310110012000"
#: An id no row has.
MISSING_PK = 2_000_000_000

WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name (with namespace), its kwargs and the methods it answers."""

    name: str
    kwargs: tuple[str, ...]
    methods: tuple[str, ...]
    pattern: str
    callback: Any = field(compare=False, default=None)

    @property
    def is_detail(self) -> bool:
        return bool(self.kwargs)


def _methods(callback: Any) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # DRF viewset routes: {"get": "retrieve", "post": …}
    if actions:
        return tuple(sorted(m for m in actions if m not in {"head", "options"}))
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        names = getattr(view_class, "http_method_names", ())
        return tuple(sorted(m for m in names if m not in {"options", "head", "trace"} and hasattr(view_class, m)))
    allowed = getattr(callback, "allowed_methods", None)  # @require_http_methods / require_POST
    if allowed:
        return tuple(sorted(m.lower() for m in allowed if m.lower() not in {"options", "head"}))
    return ("get", "post")


def all_routes() -> list[Route]:
    """Every named URL pattern of the project, with namespaces, in resolver order."""
    routes: list[Route] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                converters = getattr(entry.pattern, "converters", {})
                kwargs = tuple(converters) or tuple(entry.pattern.regex.groupindex)
                name = f"{namespace}{entry.name}" if entry.name else ""
                routes.append(Route(name, tuple(k for k in kwargs if k != "format"), _methods(entry.callback),
                                    prefix + str(entry.pattern), entry.callback))

    walk(get_resolver().url_patterns, "", "")
    return routes


def routes_of(basename: str) -> list[Route]:
    """The routes a DRF router made for ``basename`` (``<basename>-list``, ``-detail`` and one per action);
    the ``.json`` format suffix variants are folded into their route."""
    routes = all_routes()
    anchors = [r for r in routes if r.name in (f"{basename}-list", f"{basename}-detail")]
    if not anchors:
        return []
    viewset = anchors[0].callback.cls  # the same class serves every route of the basename (and no other)
    seen: dict[str, Route] = {}
    for route in routes:
        if getattr(route.callback, "cls", None) is viewset and route.name.startswith(f"{basename}-"):
            seen.setdefault(route.name, route)
    return list(seen.values())


class ScopeContract:
    """Subclass as ``Test<Thing>Scope``; see the module docstring."""

    #: DRF viewset basename (API) — or leave empty and fill ``pages`` (HTML).
    basename: ClassVar[str] = ""
    #: HTML pages about one object: url name → extra kwargs (the object's pk is passed as ``pk`` unless
    #: ``pk_kwarg`` says otherwise); POST-only pages are posted to.
    pages: ClassVar[dict[str, dict[str, Any]]] = {}
    #: HTML list page (url name) that must list the inside object and not the outside one.
    list_page: ClassVar[str] = ""
    pk_kwarg: ClassVar[str] = "pk"
    #: The object's attribute that fills the URL (``code`` for regions, looked up by official code).
    lookup_attr: ClassVar[str] = "pk"
    #: A URL value that names no row, of the lookup's shape (``MISSING_PK`` for ids).
    missing_value: ClassVar[Any] = MISSING_PK
    #: The key of an API list row that carries ``identify(obj)``.
    list_key: ClassVar[str] = "id"
    model: ClassVar[Any] = None
    #: Routes answered without signing in (the public inventory …): not expected to refuse anonymous callers.
    public_routes: ClassVar[set[str]] = set()
    #: Routes that exist for the inside object but not for the outside one's kind (e.g. an action whose detail
    #: URL carries a second kwarg); rarely needed.
    skip_routes: ClassVar[set[str]] = set()

    # -- hooks ---------------------------------------------------------------------------------------------
    def make_viewer(self, make_user: Any) -> Any:
        raise NotImplementedError

    def make_inside(self, viewer: Any) -> Any:
        raise NotImplementedError

    def make_outside(self, make_user: Any) -> Any:
        raise NotImplementedError

    def forbidden(self, make_user: Any, inside: Any) -> tuple[Any, str, str, dict[str, Any]] | None:
        """``(user, method, url, data)``: a user who sees ``inside`` but may not do this to it (403)."""
        return None

    def create_outside(self, viewer: Any, outside: Any) -> tuple[str, str, dict[str, Any]] | None:
        """``(method, url, data)``: a create that names an outside region or object; it must write no row."""
        return None

    def identify(self, obj: Any) -> Any:
        """How the object appears in API list rows (``list_key``) or in a list page (its key in a link)."""
        return self._key(obj)

    def _key(self, obj: Any) -> Any:
        return getattr(obj, self.lookup_attr)

    # -- plumbing ------------------------------------------------------------------------------------------
    @pytest.fixture
    def scope(self, db, make_user, regions):  # type: ignore[no-untyped-def]
        viewer = self.make_viewer(make_user)
        return {"viewer": viewer, "inside": self.make_inside(viewer), "outside": self.make_outside(make_user)}

    def _is_api(self) -> bool:
        return bool(self.basename)

    def _detail_kwargs(self, route: Route, obj_pk: Any) -> dict[str, Any]:
        extra = self.pages.get(route.name, {}) if not self._is_api() else {}
        kwargs = {**extra}
        key = self.pk_kwarg if self.pk_kwarg in route.kwargs else route.kwargs[0]
        kwargs[key] = obj_pk
        return kwargs

    def _routes(self) -> list[Route]:
        if self._is_api():
            routes = routes_of(self.basename)
            assert routes, f"no URL routes for basename {self.basename!r}"
            return [r for r in routes if r.name not in self.skip_routes]
        names = set(self.pages) | ({self.list_page} if self.list_page else set())
        found = [r for r in all_routes() if r.name in names]
        missing = names - {r.name for r in found}
        assert not missing, f"unknown url names: {missing}"
        return [r for r in found if r.name not in self.skip_routes]

    def _client(self, client: Any, api_client: Any, user: Any = None) -> Any:
        if self._is_api():
            if user is not None:
                api_client.force_authenticate(user)
            return api_client
        if user is not None:
            client.force_login(user)
        return client

    @staticmethod
    def _call(c: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
        if method == "get":
            return c.get(url, data or {})
        return getattr(c, method)(url, data or {}, **({"format": "json"} if hasattr(c, "force_authenticate") else {}))

    # -- the contract --------------------------------------------------------------------------------------
    def test_anonymous_callers_are_refused(self, client, api_client, scope):  # type: ignore[no-untyped-def]
        c = self._client(client, api_client)
        for route in self._routes():
            if route.name in self.public_routes:
                continue
            url = reverse(route.name, kwargs=self._detail_kwargs(route, self._key(scope["inside"])) if route.is_detail else {})
            for method in route.methods:
                response = self._call(c, method, url)
                if self._is_api():
                    assert response.status_code == 401, (route.name, method, response.status_code)
                else:
                    assert response.status_code in (302, 401, 403), (route.name, method, response.status_code)
                    if response.status_code == 302:
                        assert "/accounts/login/" in response["Location"], (route.name, response["Location"])

    def test_inside_is_visible(self, client, api_client, scope):  # type: ignore[no-untyped-def]
        c = self._client(client, api_client, scope["viewer"])
        inside = scope["inside"]
        for route in self._routes():
            if not route.is_detail or "get" not in route.methods or route.name == f"{self.basename}-list":
                continue
            if self._is_api() and route.name != f"{self.basename}-detail":
                continue  # action routes are exercised by the module's own tests
            url = reverse(route.name, kwargs=self._detail_kwargs(route, self._key(inside)))
            response = c.get(url)
            assert response.status_code == 200, (route.name, response.status_code)
        listed = self._listed(c, scope)
        if listed is not None:
            assert listed[0], "the inside object is missing from the list"

    def test_outside_is_not_listed(self, client, api_client, scope):  # type: ignore[no-untyped-def]
        c = self._client(client, api_client, scope["viewer"])
        listed = self._listed(c, scope)
        if listed is not None:
            assert not listed[1], "the outside object is listed"

    def _listed(self, c: Any, scope: dict[str, Any]) -> tuple[bool, bool] | None:
        if self._is_api():
            if not any(r.name == f"{self.basename}-list" and "get" in r.methods for r in self._routes()):
                return None
            body = c.get(reverse(f"{self.basename}-list"), {"page_size": 200}).json()
            rows = body["results"] if isinstance(body, dict) and "results" in body else body
            ids = {row.get(self.list_key) for row in rows}
            return self.identify(scope["inside"]) in ids, self.identify(scope["outside"]) in ids
        if not self.list_page:
            return None
        html = c.get(reverse(self.list_page)).content.decode()

        def shown(obj: Any) -> bool:
            route = next(r for r in all_routes() if r.name in self.pages and r.is_detail)
            return reverse(route.name, kwargs=self._detail_kwargs(route, self._key(obj))) in html

        return shown(scope["inside"]), shown(scope["outside"])

    def test_outside_answers_404_like_a_missing_id(self, client, api_client, scope):  # type: ignore[no-untyped-def]
        c = self._client(client, api_client, scope["viewer"])
        checked = 0
        for route in self._routes():
            if not route.is_detail:
                continue
            for method in route.methods:
                outside = self._call(c, method, reverse(route.name, kwargs=self._detail_kwargs(route, self._key(scope["outside"]))))
                missing = self._call(c, method, reverse(route.name, kwargs=self._detail_kwargs(route, self.missing_value)))
                assert outside.status_code == 404, (route.name, method, outside.status_code)
                assert missing.status_code == 404, (route.name, method, missing.status_code)
                if self._is_api():
                    assert outside.json() == missing.json(), (route.name, method)
                checked += 1
        assert checked or not any(r.is_detail for r in self._routes())
        if self.model is not None:
            assert self.model._default_manager.filter(pk=scope["outside"].pk).exists(), "the outside row was deleted"

    def test_forbidden_action_is_403(self, client, api_client, make_user, scope):  # type: ignore[no-untyped-def]
        spec = self.forbidden(make_user, scope["inside"])
        if spec is None:
            pytest.skip("no forbidden action named for this endpoint")
        user, method, url, data = spec
        response = self._call(self._client(client, api_client, user), method, url, data)
        assert response.status_code == 403, (url, response.status_code)

    def test_create_outside_scope_writes_nothing(self, client, api_client, scope):  # type: ignore[no-untyped-def]
        spec = self.create_outside(scope["viewer"], scope["outside"])
        if spec is None:
            pytest.skip("this endpoint creates nothing")
        method, url, data = spec
        model = self.model
        before = model._default_manager.count()
        response = self._call(self._client(client, api_client, scope["viewer"]), method, url, data)
        assert response.status_code in (400, 403, 404), (url, response.status_code)
        assert model._default_manager.count() == before

"""``make bench``: the speed figures of issue 15 on the bench data (``make bench-data``), as a table and JSON.

    DATABASE_URL=postgres://…/shequyun_bench .venv/bin/python -m benchmarks.run [--repeat 15] [--no-http]

P1  inventory API list (50 and 200 rows) and the HTML inventory against raw SQL of the same rows + count
P2  queries at page sizes 10 / 50 / 200 for every API list and every HTML list page
P3  the scoped list as a city, a district and a street user (times, DISTINCT, sequential scans on big tables)
P4  EXPLAIN of every API list's COUNT (PostgreSQL)
P5  audited vs unaudited save; audit rows per changed row, bulk writes included
P6  every periodic task over everything: queries, time, broker messages (run twice: first and idempotent second)
P7  HTTP with gunicorn + wrk on loopback: 50-row list, detail, HTML inventory, audited PATCH

Times are medians of ``--repeat`` runs; ratios are taken within one run. Nothing is left behind: writes happen in
transactions that are rolled back (P5, P6) or on one scenario created for the purpose (P7).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "P1 API 50 rows / raw SQL": 3.0, "P1 API 200 rows / raw SQL": 5.0, "P2 API list queries": 6,
    "P3 slowest / fastest level": 2.0, "P5 audited / unaudited save": 1.5, "P6 reminders seconds": 5.0,
    "P7 list req/s": 300, "P7 list p95 ms": 60, "P7 detail req/s": 500,
}


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequyun.settings.base")
    os.environ["OTP_REQUIRED_ROLES"] = ""  # the bench accounts sign in without a second factor
    os.environ.setdefault("DEBUG", "0")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)  # the access log of thousands of requests is not the result


def median_ms(fn: Callable[[], Any], repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class Bench:
    def __init__(self, repeat: int) -> None:
        from django.db import connection

        self.repeat = repeat
        self.vendor = connection.vendor
        self.results: dict[str, Any] = {}
        self.users = self._users()
        self.clients = {name: self._client(user) for name, user in self.users.items()}
        self.clients["token"] = self._token_client(self.users["bench_city"])  # an API client: no session

    # -- set-up --------------------------------------------------------------------------------------------------
    def _users(self) -> dict[str, Any]:
        from django.utils import timezone

        from accounts.models import User
        from benchmarks.data import BENCH_USERS

        users = {name: User.objects.get(username=name) for name in BENCH_USERS}
        missing = [name for name, user in users.items() if user is None]
        if missing:
            raise SystemExit("No bench data: run make bench-data first")
        # Passwords expire after 30 days; the bench accounts must not be stopped by the password step.
        User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password_changed_at=timezone.now(),
                                                                          must_change_password=False)
        return {name: User.objects.get(pk=u.pk) for name, u in users.items()}

    @staticmethod
    def _client(user: Any) -> Any:
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        return client

    @staticmethod
    def _token_client(user: Any) -> Any:
        from django.test import Client
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=user)
        return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {token.key}")

    def get(self, who: str, url: str) -> Any:
        response = self.clients[who].get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} as {who}: {response.status_code} {response.content[:300]!r}")
        return response

    # -- P1 ------------------------------------------------------------------------------------------------------
    def raw_sql_ms(self, sql: list[tuple[str, Any]]) -> float:
        from django.db import connection

        def run() -> None:
            with connection.cursor() as cursor:
                for statement, params in sql:
                    cursor.execute(statement, params)
                    cursor.fetchall()

        return median_ms(run, self.repeat)

    def p1(self) -> None:
        from scenarios.models import Scenario

        user = self.users["bench_city"]
        rows: dict[str, Any] = {}
        base = Scenario.objects.visible_to(user).select_related("region", "building_unit", "assessment").order_by(
            "-updated_at", "-id")
        for size in (50, 200):
            url = f"/api/v1/scenarios/?page_size={size}"
            api = median_ms(lambda url=url: self.get("bench_city", url), self.repeat)
            sql = [_sql(base[:size]), _sql_count(base)]
            raw = self.raw_sql_ms(sql)
            rows[f"api_{size}"] = {"url": url, "ms": api, "raw_sql_ms": raw, "ratio": api / raw}
        html_qs = Scenario.objects.visible_to(user).select_related("region", "building_unit", "merged_into",
                                                                   "assessment").order_by("-updated_at", "-id")
        html = median_ms(lambda: self.get("bench_city", "/scenarios/"), self.repeat)
        raw = self.raw_sql_ms([_sql(html_qs[:25]), _sql_count(html_qs)])
        rows["html_25"] = {"url": "/scenarios/", "ms": html, "raw_sql_ms": raw, "ratio": html / raw}
        self.results["P1"] = rows

    # -- P2 ------------------------------------------------------------------------------------------------------
    def p2(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.scope import all_routes

        api, pages, counts = {}, {}, {}
        for route in all_routes():
            if route.kwargs or "get" not in route.methods:
                continue
            url = "/" + route.pattern.replace("^", "").replace("$", "")
            if route.name.endswith("-list") and url.startswith("/api/"):
                per_size = {}
                for size in (10, 50, 200):
                    with CaptureQueriesContext(connection) as queries:
                        self.get("token", f"{url}?page_size={size}")
                    per_size[size] = len(queries)
                    counts[url] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT")]
                api[url] = per_size
            elif route.name in HTML_LISTS:
                with CaptureQueriesContext(connection) as queries:
                    self.get("bench_city", url)
                with CaptureQueriesContext(connection) as second_page:
                    self.get("bench_city", url + "?page=2")
                pages[url] = {"page 1": len(queries), "page 2": len(second_page)}
        self.results["P2"] = {"api": api, "pages": pages}
        self._counts = counts

    # -- P3 ------------------------------------------------------------------------------------------------------
    def p3(self) -> None:
        from scenarios.models import Scenario

        rows = {}
        for who in ("bench_city", "bench_pudong", "bench_dongming"):
            user = self.users[who]
            qs = Scenario.objects.visible_to(user).select_related("region", "building_unit", "assessment").order_by(
                "-updated_at", "-id")
            ms = median_ms(lambda who=who: self.get(who, "/api/v1/scenarios/?page_size=50"), self.repeat)
            page, count = _sql(qs[:50]), _sql_count(qs)
            rows[who] = {"ms": ms, "visible": qs.count(), "distinct": "DISTINCT" in page[0] + count[0],
                         "big_seq_scans": sorted(set(self.seq_scans(page) + self.seq_scans(count)))}
            users = _users_manageable_sql(user)
            rows[who]["users_manageable"] = {
                "ms": median_ms(lambda who=who: self.get(who, "/api/v1/accounts/users/?manageable=true"), self.repeat),
                "distinct": any("DISTINCT" in s for s, _p in users),
                "big_seq_scans": sorted({t for s in users for t in self.seq_scans(s)})}
        times = [r["ms"] for r in rows.values()]
        self.results["P3"] = {"levels": rows, "slowest_over_fastest": max(times) / min(times)}

    def explain(self, statement: tuple[str, Any], analyze: bool = False) -> dict[str, Any] | None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON{', ANALYZE' if analyze else ''}) {statement[0]}", statement[1])
            return cursor.fetchone()[0][0]

    def seq_scans(self, statement: tuple[str, Any], minimum: int = 10_000) -> list[str]:
        """Tables above ``minimum`` rows that the plan reads sequentially."""
        from django.db import connection

        plan = self.explain(statement)
        if plan is None:
            return []
        tables = []

        def walk(node: dict[str, Any]) -> None:
            if node.get("Node Type") == "Seq Scan":
                tables.append(node["Relation Name"])
            for child in node.get("Plans", []):
                walk(child)

        walk(plan["Plan"])
        if not tables:
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [tables])
            sizes = dict(cursor.fetchall())
        return [t for t in tables if sizes.get(t, 0) > minimum]

    # -- P4 ------------------------------------------------------------------------------------------------------
    def p4(self) -> None:
        rows = {}
        for url, statements in getattr(self, "_counts", {}).items():
            for statement in statements[:1]:
                plan = self.explain((statement, None), analyze=True)
                if plan is None:
                    continue
                rows[url] = {"ms": plan.get("Execution Time"), "big_seq_scans": self.seq_scans((statement, None)),
                             "top": plan["Plan"]["Node Type"]}
        self.results["P4"] = rows or {"note": "EXPLAIN needs PostgreSQL"}

    # -- P5 ------------------------------------------------------------------------------------------------------
    def p5(self) -> None:
        from auditlog.context import disable_auditlog
        from auditlog.models import LogEntry
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from scenarios.models import Scenario
        from shequyun.audit import acting_as
        from shequyun.models import AuditEvent

        actor = self.users["bench_city"]
        pk = Scenario.objects.filter(name__startswith="基准场景").order_by("pk").values_list("pk", flat=True).first()
        counter = iter(range(10**9))
        result: dict[str, Any] = {}
        with transaction.atomic():
            scenario = Scenario.objects.select_for_update(of=("self",)).get(pk=pk)

            def save() -> None:
                scenario.responsible_person = f"张{next(counter)}"
                with acting_as(actor):
                    scenario.save(update_fields=["responsible_person", "updated_at"])

            def save_unaudited() -> None:
                with disable_auditlog():
                    save()

            runs = {"audited": save, "unaudited": save_unaudited}
            samples: dict[str, list[float]] = {name: [] for name in runs}
            for name, fn in runs.items():
                fn()  # warm: the content type and the owning region are cached on the first save
                with CaptureQueriesContext(connection) as queries:
                    fn()
                result[name] = {"queries": len(queries),
                                "selects": sum(q["sql"].startswith("SELECT") for q in queries.captured_queries)}
            # Sub-millisecond times on a shared machine: the two kinds alternate, so that a slow spell hits both.
            for _ in range(self.repeat * 8):
                for name, fn in runs.items():
                    started = time.perf_counter()
                    fn()
                    samples[name].append((time.perf_counter() - started) * 1000)
            for name in runs:
                result[name]["ms"] = statistics.median(samples[name])
            result["ratio"] = result["audited"]["ms"] / result["unaudited"]["ms"]
            before = LogEntry.objects.count()
            save()
            result["audit_rows_per_save"] = LogEntry.objects.count() - before
            # Bulk writes: how many audit rows per changed row each path leaves.
            result["bulk"] = self._bulk_audit(actor, LogEntry, AuditEvent)
            transaction.set_rollback(True)
        self.results["P5"] = result

    def _bulk_audit(self, actor: Any, log_entry: Any, audit_event: Any) -> dict[str, Any]:
        from accounts.services.accounts import password_expiry_reminders
        from scenarios.models import Scenario
        from scenarios.services.evaluations import metrics_push

        def rows() -> int:
            return log_entry.objects.count() + audit_event.objects.count()

        out = {}
        scenario = Scenario.objects.filter(name__startswith="基准场景", region=actor.region).first() or \
            Scenario.objects.filter(name__startswith="基准场景").first()
        before = rows()
        days = [{"date": dt.date(2020, 1, 1) + dt.timedelta(days=i), "active_users": 1, "visits": 1,
                 "households_reached": 1} for i in range(100)]
        metrics_push(actor=actor, scenario=scenario, rows=days)
        out["metrics_push (100 rows upserted)"] = (rows() - before) / 100
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        stale = users.filter(is_active=True, must_change_password=False,
                             password_changed_at__lte=dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).count()
        before = rows()
        password_expiry_reminders()
        out[f"password expiry ({stale} accounts flagged)"] = (rows() - before) / max(stale, 1)
        return out

    # -- P6 ------------------------------------------------------------------------------------------------------
    def p6(self) -> None:
        from celery.app.task import Task
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from shequyun.celery import app

        skip = {"shequyun.tasks.run_backup": "writes a full dump (make backup measures it)"}
        sent: list[str] = []
        original = Task.apply_async

        def count(self: Any, *args: Any, **kwargs: Any) -> None:
            sent.append(self.name)

        app.loader.import_default_modules()  # the apps' tasks modules (what a worker does at start)
        rows: dict[str, Any] = {}
        Task.apply_async = count  # type: ignore[method-assign]
        try:
            for entry, spec in app.conf.beat_schedule.items():
                name = spec["task"]
                if name in skip:
                    rows[entry] = {"task": name, "skipped": skip[name]}
                    continue
                task = app.tasks[name]
                runs = []
                with transaction.atomic():
                    for _ in range(2):  # first run, then the same day again (idempotent: nothing new)
                        sent.clear()
                        started = time.perf_counter()
                        with CaptureQueriesContext(connection) as queries:
                            task.run()
                            for _sid, callback, _robust in list(connection.run_on_commit):
                                callback()
                            connection.run_on_commit.clear()
                        runs.append({"s": round(time.perf_counter() - started, 3), "queries": len(queries),
                                     "broker_messages": len(sent)})
                    transaction.set_rollback(True)
                rows[entry] = {"task": name, "first": runs[0], "again": runs[1]}
        finally:
            Task.apply_async = original  # type: ignore[method-assign]
        self.results["P6"] = rows

    # -- P7 ------------------------------------------------------------------------------------------------------
    def p7(self, seconds: int, rounds: int) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            self.results["P7"] = {"skipped": "wrk is not installed (make bench installs Debian's wrk when root)"}
            return
        from rest_framework.authtoken.models import Token

        from scenarios.models import Application, Scenario

        user = self.users["bench_city"]
        token, _ = Token.objects.get_or_create(user=user)
        session = self.clients["bench_city"].cookies["sessionid"].value
        detail = Scenario.objects.visible_to(user).order_by("-updated_at", "-id").values_list("pk", flat=True).first()
        application = self._patchable(Application)
        port = _free_port()
        env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "OTP_REQUIRED_ROLES": "",
               "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "shequyun.settings.base"}
        # The production settings of gunicorn.conf.py (WEB_CONCURRENCY workers x WEB_THREADS threads), on loopback.
        workers, threads = os.environ.get("WEB_CONCURRENCY", "3"), os.environ.get("WEB_THREADS", "1")
        command = [sys.executable, "-m", "gunicorn", "shequyun.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--log-level", "warning"]
        log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            _wait(port)
            auth = f"Authorization: Token {token.key}"
            cookie = f"Cookie: sessionid={session}"
            targets = {
                "list 50": ("GET", "/api/v1/scenarios/?page_size=50", auth),
                "detail": ("GET", f"/api/v1/scenarios/{detail}/", auth),
                "HTML inventory": ("GET", "/scenarios/", cookie),
                "audited PATCH": ("PATCH", f"/api/v1/scenarios/applications/{application}/", self._patch_auth()),
            }
            rows = {}
            for name, (method, path, header) in targets.items():
                samples = [_wrk(wrk, port, method, path, header, seconds) for _ in range(rounds)]
                rows[name] = {"path": path, **{k: statistics.median(s[k] for s in samples)
                                               for k in ("rps", "p50", "p95", "p99", "errors")}}
            rows["server"] = f"gunicorn {workers} workers x {threads} threads, wrk -t2 -c12 -d{seconds}s --timeout 10s x{rounds}"
            self.results["P7"] = rows
        finally:
            server.terminate()
            server.wait(20)
            log.close()

    def _patchable(self, application_model: Any) -> int:
        """A draft application of the street account (created once through the service) for the PATCH run."""
        from scenarios import services

        user = self.users["bench_dongming"]
        found = application_model.objects.filter(scenario__name="基准·压测草稿", scenario__region=user.region).first()
        if found is None:
            scenario = services.scenario_create(
                actor=user, region=user.region, name="基准·压测草稿", category="public_service",
                responsible_person="张", developer_name="基准开发公司", developer_credit_code="91310115MA1H7ABC0Q",
                developer_contact="李", developer_phone="021-55550000")
            found = scenario.application
        return found.pk

    def _patch_auth(self) -> str:
        from rest_framework.authtoken.models import Token

        token, _ = Token.objects.get_or_create(user=self.users["bench_dongming"])
        return f"Authorization: Token {token.key}"


HTML_LISTS = {
    "accounts:manage", "accounts:anomalies", "accounts:audit", "scenarios:inventory", "scenarios:queue",
    "scenarios:evaluations", "content:item_list", "content:review_queue", "content:lexicon", "content:chain_list",
    "content:training_list", "content:feedback_list", "security:incidents", "security:plans", "security:drills",
    "security:trainings", "security:assessments", "security:agreements", "dataassets:catalogue",
    "dataassets:review", "dataassets:objections", "dataassets:sharing_list", "dataassets:quality",
    "notifications:inbox",
}


def _sql(queryset: Any) -> tuple[str, Any]:
    from django.db import connection

    return queryset.query.get_compiler(connection=connection).as_sql()


def _sql_count(queryset: Any) -> tuple[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        queryset.count()
    return queries.captured_queries[-1]["sql"], None


def _users_manageable_sql(user: Any) -> list[tuple[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/accounts/users/?manageable=true&page_size=50")
    return [(q["sql"], None) for q in queries.captured_queries if "accounts_user" in q["sql"].split("WHERE")[0]
            and q["sql"].startswith("SELECT")]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(1)
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start (var/bench-gunicorn.log)")


WRK_SCRIPT = """
local n = 0
local method, header = os.getenv("BENCH_METHOD"), os.getenv("BENCH_HEADER")
local name, value = header:match("^([^:]+):%s*(.*)$")
wrk.headers[name] = value
wrk.headers["Accept"] = "application/json"
request = function()
  if method == "PATCH" then
    n = n + 1
    wrk.headers["Content-Type"] = "application/json"
    return wrk.format("PATCH", nil, nil, '{"function_summary": "wrk ' .. n .. '"}')
  end
  return wrk.format("GET")
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.timeout
  io.write(string.format('BENCH {"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "errors": %d}\\n',
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors))
end
"""


def _wrk(wrk: str, port: int, method: str, path: str, header: str, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_HEADER": header}
    out = subprocess.run([wrk, "-t2", "-c12", f"-d{seconds}s", "--timeout", "10s", "-s", script.name,  # noqa: S603
                          f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, env=env, timeout=seconds + 60)
    os.unlink(script.name)
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout}\n{out.stderr}")
    return json.loads(line[6:])


# -- report ----------------------------------------------------------------------------------------------------------
def table(results: dict[str, Any]) -> str:
    lines = [f"Benchmarks on {results['database']} ({results['date']}, {results['machine']}, load average "
             f"{results['load_average']['start'][0]} → {results['load_average']['end'][0]}), medians of "
             f"{results['repeat']} runs", ""]
    p1 = results.get("P1", {})
    if p1:
        lines.append("P1  page vs raw SQL (same rows + count)        ms     raw ms   ratio  target")
        for key, target in (("api_50", "<= 3x"), ("api_200", "<= 5x"), ("html_25", "")):
            row = p1[key]
            lines.append(f"    {row['url']:<42} {row['ms']:7.1f} {row['raw_sql_ms']:9.2f} {row['ratio']:6.1f}x  {target}")
    p2 = results.get("P2", {})
    if p2:
        lines.append("")
        lines.append("P2  queries at page size 10 / 50 / 200 (API lists with a token, target <= 6 and constant)")
        for url, sizes in p2["api"].items():
            flag = "" if len(set(sizes.values())) == 1 and max(sizes.values()) <= 6 else "   <-- "
            lines.append(f"    {url:<48} {sizes[10]:>3} {sizes[50]:>3} {sizes[200]:>3}{flag}")
        lines.append("    HTML list pages (fixed page size): queries on page 1 / page 2")
        for url, pages in p2["pages"].items():
            lines.append(f"    {url:<48} {pages['page 1']:>3} {pages['page 2']:>3}")
    p3 = results.get("P3", {})
    if p3:
        lines.append("")
        lines.append("P3  /api/v1/scenarios/ (50 rows) by level   visible     ms  DISTINCT  seq scans > 10,000 rows")
        for who, row in p3["levels"].items():
            lines.append(f"    {who:<40} {row['visible']:>8} {row['ms']:6.1f}  {row['distinct']!s:<8}  "
                         f"{', '.join(row['big_seq_scans']) or '-'}")
        for who, row in p3["levels"].items():
            m = row["users_manageable"]
            lines.append(f"    users?manageable=true as {who:<22} {m['ms']:6.1f} ms  DISTINCT {m['distinct']}  "
                         f"seq scans {', '.join(m['big_seq_scans']) or '-'}")
        lines.append(f"    slowest / fastest level: {p3['slowest_over_fastest']:.2f}x (target <= 2x)")
    p4 = results.get("P4", {})
    if p4 and "note" not in p4:
        lines.append("")
        lines.append("P4  EXPLAIN ANALYZE of each API list COUNT (city user)       ms   seq scans > 10,000 rows")
        for url, row in p4.items():
            lines.append(f"    {url:<56} {row['ms']:6.2f}  {', '.join(row['big_seq_scans']) or '-'}")
    p5 = results.get("P5", {})
    if p5:
        lines.append("")
        a, u = p5["audited"], p5["unaudited"]
        lines.append(f"P5  save: audited {a['ms']:.2f} ms ({a['queries']} queries, {a['selects']} SELECT), unaudited "
                     f"{u['ms']:.2f} ms ({u['queries']} queries): {p5['ratio']:.2f}x (target <= 1.5x, no SELECT)")
        lines.append(f"    audit rows per saved row: {p5['audit_rows_per_save']}")
        for name, per_row in p5["bulk"].items():
            lines.append(f"    bulk {name}: {per_row:.3f} audit rows per changed row")
    p6 = results.get("P6", {})
    if p6:
        lines.append("")
        lines.append("P6  periodic tasks (first run / same day again)         s   queries  messages |  s  queries  messages")
        for entry, row in p6.items():
            if "skipped" in row:
                lines.append(f"    {entry:<46} skipped: {row['skipped']}")
                continue
            f, g = row["first"], row["again"]
            lines.append(f"    {entry:<46} {f['s']:6.2f} {f['queries']:>8} {f['broker_messages']:>9} | {g['s']:5.2f} "
                         f"{g['queries']:>7} {g['broker_messages']:>9}")
    p7 = results.get("P7", {})
    if p7:
        lines.append("")
        if "skipped" in p7:
            lines.append(f"P7  skipped: {p7['skipped']}")
        else:
            lines.append(f"P7  HTTP ({p7['server']})      req/s    p50    p95    p99  errors")
            for name, row in p7.items():
                if name == "server":
                    continue
                lines.append(f"    {name:<38} {row['rps']:7.1f} {row['p50']:6.1f} {row['p95']:6.1f} {row['p99']:6.1f} "
                             f"{int(row['errors']):>6}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-http", action="store_true", help="skip P7 (gunicorn + wrk)")
    parser.add_argument("--seconds", type=int, default=10, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per target (median)")
    parser.add_argument("--only", default="", help="comma-separated parts, e.g. P1,P2")
    parser.add_argument("--out", default="", help="JSON file (default benchmarks/results/<date>-<database>.json)")
    args = parser.parse_args()
    setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        # The database as autovacuum keeps it: the writes of an earlier run (P5-P7) leave dead rows and clear the
        # visibility map, which would make this run's counts read the table instead of an index.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    load_before = os.getloadavg()
    bench = Bench(args.repeat)
    only = {p.strip().upper() for p in args.only.split(",") if p.strip()}
    parts: list[tuple[str, Callable[[], None]]] = [
        ("P1", bench.p1), ("P2", bench.p2), ("P3", bench.p3), ("P4", bench.p4), ("P5", bench.p5), ("P6", bench.p6),
        ("P7", lambda: bench.p7(args.seconds, args.rounds)),
    ]
    for name, run in parts:
        if (only and name not in only) or (name == "P7" and args.no_http):
            continue
        if name == "P4" and "P2" not in bench.results:
            bench.p2()
        started = time.monotonic()
        sys.stderr.write(f"{name} …")
        sys.stderr.flush()
        run()
        sys.stderr.write(f" {time.monotonic() - started:.0f}s\n")
    database = connection.vendor
    from django.utils import timezone

    results = {"date": timezone.localdate().isoformat(), "database": database, "repeat": args.repeat,
               "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
               "load_average": {"start": [round(x, 2) for x in load_before],
                                "end": [round(x, 2) for x in os.getloadavg()]},
               "targets": TARGETS, **bench.results}
    sys.stdout.write(table(results) + "\n")
    out = Path(args.out) if args.out else ROOT / "benchmarks" / "results" / f"{results['date']}-{database}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n")
    sys.stdout.write(f"\nWritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}\n")


if __name__ == "__main__":
    main()

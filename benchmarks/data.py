"""Shanghai-scale bench data on top of the real divisions (``make bench-data`` → ``manage.py bench_data``).

Every set is topped up to its target count with bulk inserts, so a second run adds nothing and a run with larger
targets adds only the difference. Rows are a pure function of their index (``random.Random(seed + i)``), so a run
that died half-way is completed by the next one with the same rows. No signal fires (bulk inserts): the audit rows
are generated as data of their own. The tests use the same generator at a small scale
(``tests/test_list_queries.py``).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

#: The targets of issue 15 (Shanghai scale).
SHANGHAI = {
    "accounts": 60_000,
    "scenarios": 5_000,
    "events_per_scenario": 3,
    "evaluations": 20_000,
    "metric_scenarios": 500,
    "metric_days": 365,
    "content": 100_000,
    "incidents": 10_000,
    "resources": 2_000,
    "items_per_resource": 25,
    "change_entries": 900_000,  # django-auditlog rows
    "audit_events": 100_000,  # typed AuditEvent rows: 1,000,000 audit rows in all
    "notifications": 50_000,
}

#: The accounts the benchmarks sign in as (password BENCH_PASSWORD): city, district (浦东新区), street (东明路街道).
BENCH_USERS = {"bench_city": "310000000000", "bench_pudong": "310115000000", "bench_dongming": "310115015000"}
BENCH_PASSWORD = "Bench-2026-only!"  # noqa: S105 — a bench database only
#: Every role, so that every page answers (a bench-only superset: the separation of duties is a service rule;
#: the second factor is switched off for the benchmarks). Not superusers: scoping is exercised.
BENCH_ROLES = ["account_admin", "operator", "reviewer", "staff", "security_officer", "auditor", "data_steward"]

WORDS = ["养老", "助餐", "垃圾分类", "积分", "停车", "议事", "志愿者", "健康", "随申码", "物业", "报修", "活动", "预约",
         "党建", "调解", "安全", "巡查", "托育", "就业", "帮扶", "疫苗", "充电", "加装电梯", "旧改", "文明", "食堂"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕"


class Progress:
    """A one-line progress bar on stderr (nothing when ``quiet``)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.started = time.monotonic()

    def bar(self, label: str, done: int, total: int, since: float) -> None:
        if self.quiet:
            return
        width = 30
        share = done / total if total else 1.0
        filled = int(width * share)
        sys.stderr.write(f"\r  {label:<22} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} "
                         f"{time.monotonic() - since:6.1f}s")
        sys.stderr.flush()

    def end(self, label: str, created: int, total: int, since: float) -> None:
        if self.quiet:
            return
        self.bar(label, total, total, since)
        sys.stderr.write(f"  +{created:,}\n")


@dataclass
class Regions:
    """The real tree, loaded once: id → (code, path, level, parent_id, depth)."""

    by_id: dict[int, tuple[str, str, str, int | None, int]] = field(default_factory=dict)
    by_level: dict[str, list[int]] = field(default_factory=dict)
    by_code: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Regions:
        from accounts.models import Region

        regions = cls()
        for pk, code, path, level, parent, depth in Region.objects.order_by("code").values_list(
                "pk", "code", "path", "level", "parent_id", "depth"):
            regions.by_id[pk] = (code, path, level, parent, depth)
            regions.by_level.setdefault(level, []).append(pk)
            regions.by_code[code] = pk
        return regions

    def path(self, pk: int) -> str:
        return self.by_id[pk][1]

    def district_of(self, pk: int) -> int:
        while self.by_id[pk][4] > 1:
            pk = self.by_id[pk][3]  # type: ignore[assignment]
        return pk


@contextmanager
def own_timestamps(model: Any, rows: list[Any], now: dt.datetime) -> Iterator[None]:
    """Bulk inserts keep the generated ``created_at``/``updated_at`` (auto_now fields would stamp every row with
    the same instant, which makes every ordering by time trivial); rows that set none get ``now``."""
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for f in fields:
        for row in rows:
            if getattr(row, f.attname) is None:
                setattr(row, f.attname, now)
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Generator:
    def __init__(self, counts: dict[str, int] | None = None, *, quiet: bool = False, batch: int = 5000) -> None:
        self.counts = {**SHANGHAI, **(counts or {})}
        self.progress = Progress(quiet)
        self.batch = batch
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.regions = Regions.load()
        if not self.regions.by_id:
            raise RuntimeError("Load the divisions first: manage.py load_divisions")
        self.created: dict[str, int] = {}

    # -- plumbing ------------------------------------------------------------------------------------------------
    def _fill(self, label: str, model: Any, have: int, want: int, make: Callable[[int], Any | None],
              **bulk: Any) -> None:
        """Create rows ``make(i)`` for i in [have, want) in batches, with a progress bar."""
        since = time.monotonic()
        made = 0
        rows: list[Any] = []
        for i in range(have, want):
            row = make(i)
            if row is not None:
                rows.append(row)
            if len(rows) >= self.batch:
                with transaction.atomic(), own_timestamps(model, rows, self.now):
                    model.objects.bulk_create(rows, batch_size=self.batch, **bulk)
                made += len(rows)
                rows = []
                self.progress.bar(label, i + 1, want, since)
        if rows:
            with transaction.atomic(), own_timestamps(model, rows, self.now):
                model.objects.bulk_create(rows, batch_size=self.batch, **bulk)
            made += len(rows)
        self.progress.end(label, made, max(want, have), since)
        self.created[label] = made

    @staticmethod
    def _rng(seed: int, i: int) -> random.Random:
        return random.Random(seed * 1_000_003 + i)

    def run(self) -> dict[str, int]:
        from accounts.services import roles_ensure

        roles_ensure()
        self.organisations()
        self.accounts()
        self.scenarios()
        self.applications_and_history()
        self.evaluations()
        self.metrics()
        self.content()
        self.incidents()
        self.catalogue()
        self.notifications()
        self.change_entries()
        self.audit_events()
        from django.db import connection

        # Fresh planner statistics and, on PostgreSQL, the visibility map a bulk load leaves unset (what autovacuum
        # does on a live database; without it no count can be answered from an index alone).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" and connection.get_autocommit()
                           else "ANALYZE")
        return self.created

    # -- accounts ------------------------------------------------------------------------------------------------
    def organisations(self) -> None:
        from accounts.models import Organisation

        kinds = {"city": "operations_office", "district": "competent_dept", "street": "operations_office",
                 "village": "committee"}
        have = set(Organisation.objects.filter(name__startswith="基准·").values_list("region_id", flat=True))
        ids = [pk for pk in self.regions.by_id if pk not in have]

        def make(i: int) -> Organisation:
            pk = ids[i]
            code, _path, level, _parent, _depth = self.regions.by_id[pk]
            return Organisation(name=f"基准·{code}", kind=kinds[level], region_id=pk)

        self._fill("organisations", Organisation, 0, len(ids), make)
        self.org_of = dict(Organisation.objects.filter(name__startswith="基准·").values_list("region_id", "pk"))

    def accounts(self) -> None:
        from accounts.models import User

        groups = dict(Group.objects.values_list("name", "pk"))
        password = make_password(BENCH_PASSWORD)
        for username, code in BENCH_USERS.items():
            region = self.regions.by_code[code]
            user, made = User.objects.get_or_create(username=username, defaults={
                "full_name": f"基准{username[6:]}", "region_id": region, "organisation_id": self.org_of[region],
                "password": password, "password_changed_at": self.now})
            user.groups.set([groups[name] for name in BENCH_ROLES])
        upper = [pk for level in ("city", "district", "street") for pk in self.regions.by_level.get(level, [])]
        villages = self.regions.by_level.get("village", [])
        upper_roles = ["account_admin", "operator", "reviewer", "security_officer", "auditor", "data_steward", "staff"]
        want = self.counts["accounts"]
        have = User.objects.filter(username__startswith="bench0").count()

        def place(i: int) -> tuple[int, str]:
            slots = len(upper) * len(upper_roles)
            if i < slots:
                return upper[i // len(upper_roles)], upper_roles[i % len(upper_roles)]
            rng = self._rng(1, i)
            return villages[(i - slots) % len(villages)], "operator" if rng.random() < 0.1 else "staff"

        def make(i: int) -> User:
            rng = self._rng(1, i)
            region, _role = place(i)
            return User(username=f"bench{i:06d}", full_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                        region_id=region, organisation_id=self.org_of[region], password=password,
                        email=f"bench{i:06d}@example.invalid", is_active=rng.random() > 0.03,
                        password_changed_at=self.now - dt.timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 23)),
                        date_joined=self.now - dt.timedelta(days=rng.randint(30, 900)))

        self._fill("accounts", User, have, want, make)
        through = User.groups.through
        missing = User.objects.filter(username__startswith="bench0", groups__isnull=True).values_list("pk", "username")
        links = [through(user_id=pk, group_id=groups[place(int(name[5:]))[1]]) for pk, name in missing.iterator()]
        self._fill("account roles", through, 0, len(links), lambda i: links[i])
        self.users_of: dict[int, list[int]] = {}
        for pk, region in User.objects.filter(username__startswith="bench").values_list("pk", "region_id").order_by("pk"):
            self.users_of.setdefault(region, []).append(pk)
        self.any_user = next(iter(self.users_of.values()))[0]

    def _user_in(self, region: int) -> int:
        return (self.users_of.get(region) or [self.any_user])[0]

    # -- scenarios -----------------------------------------------------------------------------------------------
    def _scenario_region(self, rng: random.Random) -> int:
        draw = rng.random()
        level = "district" if draw < 0.05 else "street" if draw < 0.35 else "village"
        if draw < 0.005:
            level = "city"
        return rng.choice(self.regions.by_level[level])

    STATUSES = [("online", 0.60), ("draft", 0.08), ("submitted", 0.08), ("approved", 0.04), ("filed", 0.03),
                ("rectifying", 0.06), ("offline", 0.07), ("rejected", 0.03), ("disconnected", 0.01)]

    def _status(self, rng: random.Random) -> str:
        draw, total = rng.random(), 0.0
        for status, share in self.STATUSES:
            total += share
            if draw < total:
                return status
        return "online"

    def scenarios(self) -> None:
        from scenarios.models import Category, Scenario
        from scenarios.similarity import tokenize

        categories = Category.values
        have = Scenario.objects.filter(name__startswith="基准场景").count()

        def make(i: int) -> Scenario:
            rng = self._rng(2, i)
            region = self._scenario_region(rng)
            status = self._status(rng)
            name = f"基准场景{i:05d}·{rng.choice(WORDS)}{rng.choice(WORDS)}"
            updated = self.now - dt.timedelta(minutes=rng.randint(0, 400 * 24 * 60))
            return Scenario(
                name=name, category=rng.choice(categories), region_id=region, building_unit_id=self.org_of[region],
                responsible_person=rng.choice(SURNAMES) + rng.choice(GIVEN), developer_name=f"基准开发公司{i % 97:02d}",
                developer_credit_code="91310115MA1H7ABC0Q", developer_contact=rng.choice(SURNAMES) + "工",
                developer_phone="021-5555" + f"{i % 10000:04d}", has_public_opinion=rng.random() < 0.2, status=status,
                rectify_deadline=(self.today + dt.timedelta(days=rng.randint(-20, 40))) if status == "rectifying" else None,
                search_tokens=" ".join(tokenize(name, "、".join(rng.sample(WORDS, 4)))),
                created_by_id=self._user_in(region), created_at=updated - dt.timedelta(days=rng.randint(1, 300)),
                updated_at=updated,
                online_since=updated if status in ("online", "rectifying", "offline", "disconnected") else None)

        self._fill("scenarios", Scenario, have, self.counts["scenarios"], make)

    def applications_and_history(self) -> None:
        from scenarios.models import Application, Scenario, ScenarioEvent

        rows = list(Scenario.objects.filter(name__startswith="基准场景", application__isnull=True)
                    .values_list("pk", "status", "created_at", "created_by_id", "has_public_opinion"))

        def application(i: int) -> Application:
            pk, status, created, _by, opinion = rows[i]
            rng = self._rng(3, pk)
            complete = status != "draft" or rng.random() < 0.5
            text = "、".join(rng.sample(WORDS, 6)) if complete else ""
            return Application(
                scenario_id=pk, function_summary=text, operating_mechanism=text, integration_needs=text,
                developer_info=text, behaviour_plan=text if opinion else "",
                risk_report=f"scenarios/reports/bench/{pk}.pdf" if complete else "",
                risk_report_name="安全风险评估报告.pdf" if complete else "", risk_report_type="pdf" if complete else "",
                submitted_at=None if status == "draft" else created + dt.timedelta(days=1),
                decided_at=created + dt.timedelta(days=5) if status not in ("draft", "submitted") else None)

        self._fill("applications", Application, 0, len(rows), application)
        chains = {"draft": [], "submitted": ["submit"], "approved": ["submit", "approve"],
                  "rejected": ["submit", "reject"], "filed": ["submit", "approve", "file"],
                  "online": ["submit", "approve", "file", "go_online"],
                  "rectifying": ["submit", "approve", "file", "go_online", "rectify"],
                  "offline": ["submit", "approve", "file", "go_online", "offboard"],
                  "disconnected": ["submit", "approve", "file", "go_online", "disconnect"]}
        targets = {"submit": "submitted", "approve": "approved", "reject": "rejected", "file": "filed",
                   "go_online": "online", "rectify": "rectifying", "offboard": "offline", "disconnect": "disconnected"}
        per = self.counts["events_per_scenario"]
        events: list[ScenarioEvent] = []
        for pk, status, created, by, _opinion in rows:  # only scenarios new in this run get their history
            steps = chains[status][-per:] if per else []
            previous = {"submit": "draft", "approve": "submitted", "reject": "submitted", "file": "approved",
                        "go_online": "filed", "rectify": "online", "offboard": "online", "disconnect": "online"}
            for n, action in enumerate(steps):
                events.append(ScenarioEvent(scenario_id=pk, action=action, from_status=previous[action],
                                            to_status=targets[action], actor_id=by, comment="",
                                            created_at=created + dt.timedelta(days=n + 1)))
        self._fill("scenario history", ScenarioEvent, 0, len(events), lambda i: events[i])

    def evaluations(self) -> None:
        from scenarios.models import Evaluation, EvaluationCampaign, Scenario
        from scenarios.services.evaluations import period_of

        want = self.counts["evaluations"]
        have = Evaluation.objects.filter(scenario__name__startswith="基准场景").count()
        if have >= want:
            self.progress.end("evaluations", 0, have, time.monotonic())
            self.created["evaluations"] = 0
            return
        online = list(Scenario.objects.filter(name__startswith="基准场景", status__in=["online", "rectifying"])
                      .order_by("pk").values_list("pk", "region_id"))
        # Periods backwards from this quarter; each district (and the city for its own) evaluates what it covers.
        periods, day = [], self.today
        while len(periods) < 12:
            if period_of(day) not in periods:
                periods.append(period_of(day))
            day -= dt.timedelta(days=80)
        campaigns: dict[tuple[int, str], int] = {}
        city = self.regions.by_level["city"][0]
        for period_index, period in enumerate(periods):
            # This quarter's reports are due in two days (the reminders' busiest morning); earlier ones are past.
            due = self.today + dt.timedelta(days=2) if period_index == 0 else self.today - dt.timedelta(days=90 * period_index)
            for region in [city, *self.regions.by_level["district"]]:
                campaign, _ = EvaluationCampaign.objects.get_or_create(
                    region_id=region, period=period, defaults={"due_date": due})
                campaigns[(region, period)] = campaign.pk
        pairs = [(period_index, period, pk, region) for period_index, period in enumerate(periods)
                 for pk, region in online]
        pairs = pairs[:want]

        def make(i: int) -> Evaluation | None:
            period_index, period, pk, region = pairs[i]
            depth = self.regions.by_id[region][4]
            owner = city if depth <= 1 else self.regions.district_of(region)
            rng = self._rng(4, i)
            if period_index == 0:
                status = "due" if rng.random() < 0.9 else "returned"
            else:
                status = "submitted" if rng.random() < 0.97 else "due"  # a few overdue from earlier quarters
            scores = {f"{name}_score": rng.randint(55, 98) for name in ("mechanism", "effectiveness",
                                                                        "participation", "security")}
            findings = {f"{name}_finding": "运行正常" for name in ("mechanism", "effectiveness", "participation",
                                                                   "security")}
            done = status == "submitted"
            return Evaluation(campaign_id=campaigns[(owner, period)], scenario_id=pk, status=status,
                              outcome="keep" if done else "", submitted_at=self.now if done else None,
                              **(scores if done else {}), **(findings if done else {}))

        self._fill("evaluations", Evaluation, 0, len(pairs), make, ignore_conflicts=True)

    def metrics(self) -> None:
        from scenarios.models import Scenario, UsageMetric

        days = self.counts["metric_days"]
        ids = list(Scenario.objects.filter(name__startswith="基准场景", status="online").order_by("pk")
                   .values_list("pk", flat=True)[: self.counts["metric_scenarios"]])
        have = set(UsageMetric.objects.filter(scenario_id__in=ids).values_list("scenario_id", flat=True).distinct())
        todo = [pk for pk in ids if pk not in have]
        start = self.today - dt.timedelta(days=days)

        def make(i: int) -> UsageMetric:
            pk, day = todo[i // days], i % days
            rng = self._rng(pk, day)
            active = rng.randint(20, 900)
            return UsageMetric(scenario_id=pk, date=start + dt.timedelta(days=day), active_users=active,
                               visits=active * rng.randint(2, 6), households_reached=rng.randint(50, 3000))

        self._fill("usage metrics", UsageMetric, 0, len(todo) * days, make, ignore_conflicts=True)

    # -- content, security, data assets -------------------------------------------------------------------------
    def content(self) -> None:
        from content.models import ContentItem, ItemRevision, Kind

        have = ContentItem.objects.filter(title__startswith="基准内容").count()
        villages = self.regions.by_level["village"]
        kinds = [Kind.NOTICE, Kind.ARTICLE, Kind.ACTIVITY]

        def make(i: int) -> ContentItem:
            rng = self._rng(5, i)
            village = villages[i % len(villages)]
            street = self.regions.by_id[village][3]
            draw = rng.random()
            status = "review_1" if draw < 0.1 else "published" if draw < 0.6 else "draft" if draw < 0.8 else "expired"
            updated = self.now - dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            in_review = status == "review_1"
            return ContentItem(
                kind=rng.choice(kinds), title=f"基准内容{i:06d}·{rng.choice(WORDS)}通知", body="<p>正文</p>",
                region_id=village, audience_id=village, status=status, created_by_id=self._user_in(village),
                published_at=updated if status in ("published", "expired") else None, revision_number=1,
                current_step=1 if in_review else 0, step_count=2 if in_review else 0,
                current_step_region_id=street if in_review else None, current_step_role="reviewer" if in_review else "",
                created_at=updated - dt.timedelta(days=1), updated_at=updated)

        self._fill("content items", ContentItem, have, self.counts["content"], make)
        missing = list(ContentItem.objects.filter(title__startswith="基准内容", revisions__isnull=True)
                       .values_list("pk", "title", "created_by_id"))
        self._fill("content revisions", ItemRevision, 0, len(missing), lambda i: ItemRevision(
            item_id=missing[i][0], number=1, title=missing[i][1], body="<p>正文</p>", created_by_id=missing[i][2],
            attachments=[]))

    def incidents(self) -> None:
        from security.models import Incident, IncidentCategory

        categories = [(c.parent_id, c.pk) for c in IncidentCategory.objects.filter(parent__isnull=False)]
        if not categories:
            from django.core.management import call_command

            call_command("load_incident_categories", verbosity=0)
            categories = [(c.parent_id, c.pk) for c in IncidentCategory.objects.filter(parent__isnull=False)]
        have = Incident.objects.filter(title__startswith="基准事件").count()
        scenarios = list(self._bench_scenarios())
        open_states = ["reported", "acknowledged", "responding", "contained"]

        def make(i: int) -> Incident:
            rng = self._rng(6, i)
            scenario, region = scenarios[i % len(scenarios)] if scenarios else (None, self._scenario_region(rng))
            category, sub = rng.choice(categories)
            started = self.now - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            status = rng.choice(open_states) if rng.random() < 0.05 else rng.choice(["resolved", "reviewed"])
            grade = rng.choice([3, 4, 4, 4])
            return Incident(
                title=f"基准事件{i:05d}·{rng.choice(WORDS)}系统异常", description="", region_id=region,
                reported_region_id=region, scenario_id=scenario, category_id=category, subcategory_id=sub,
                started_at=started, detected_at=started + dt.timedelta(minutes=5), importance="general", loss="minor",
                social_impact="general", suggested_grade=grade, grade=grade, status=status,
                ack_due_at=started + dt.timedelta(days=1) if status != "reported" else self.now + dt.timedelta(hours=4),
                acknowledged_at=None if status == "reported" else started + dt.timedelta(hours=2),
                resolved_at=started + dt.timedelta(days=1) if status in ("resolved", "reviewed") else None,
                reached_depth=self.regions.by_id[region][4], reported_by_id=self._user_in(region),
                created_at=started + dt.timedelta(minutes=10), updated_at=started + dt.timedelta(days=1))

        self._fill("incidents", Incident, have, self.counts["incidents"], make)

    def _bench_scenarios(self) -> Iterable[tuple[int, int]]:
        from scenarios.models import Scenario

        return Scenario.objects.filter(name__startswith="基准场景").order_by("pk").values_list("pk", "region_id")

    def catalogue(self) -> None:
        from dataassets.models import Item, Resource, normalise_label

        labels = ["姓名", "联系电话", "身份证号", "地址", "出生日期", "性别", "户籍", "楼栋", "门牌号", "车牌号", "停车位",
                  "车位编号", "缴费金额", "活动名称", "报名时间", "志愿时长", "服务对象", "评价", "事项编号", "办理状态",
                  "办理时间", "经办人", "所属居委", "所属街道", "备注"]
        have = Resource.objects.filter(code__startswith="BENCH-").count()
        districts = self.regions.by_level["district"]

        def make(i: int) -> Resource:
            rng = self._rng(7, i)
            region = districts[i % len(districts)] if i % 5 else rng.choice(self.regions.by_level["street"])
            return Resource(
                region_id=region, provider_id=self.org_of[region], created_by_id=self._user_in(region),
                catalogue="district", name=f"{labels[i % len(labels)]}数据资源{i:05d}", code=f"BENCH-{i:05d}",
                description=f"第{i}号资源的摘要", data_format="database", collection_method="db_sync",
                collection_frequency="daily", update_frequency="monthly", sharing_type="unconditional",
                sharing_method="api", open_type="conditional", status="published" if i % 10 else "submitted",
                version=1, published_at=self.now - dt.timedelta(days=rng.randint(1, 300)),
                data_updated_on=self.today - dt.timedelta(days=rng.randint(0, 60)))

        self._fill("data resources", Resource, have, self.counts["resources"], make)
        per = self.counts["items_per_resource"]
        ids = list(Resource.objects.filter(code__startswith="BENCH-", items__isnull=True).order_by("pk")
                   .values_list("pk", flat=True))

        def item(i: int) -> Item:
            j = i % per
            label = labels[j % len(labels)]
            return Item(resource_id=ids[i // per], table_name="t_bench", field_name=f"f{j}", label=label,
                        label_key=normalise_label(label), data_type="string", length=50, position=j)

        self._fill("information items", Item, 0, len(ids) * per, item)

    # -- inbox and audit trail -----------------------------------------------------------------------------------
    def notifications(self) -> None:
        from shequyun.notifications.models import Notification

        have = Notification.objects.filter(dedupe_key__startswith="bench:").count()
        people = [pk for pks in self.users_of.values() for pk in pks]
        named = [self.users_of[self.regions.by_code[code]][0] for code in BENCH_USERS.values()]

        def make(i: int) -> Notification:
            recipient = named[(i // 3) % 3] if i % 3 == 0 else people[i % len(people)]  # a full inbox each
            return Notification(recipient_id=recipient, title=f"基准通知{i:06d}", body="", url="/scenarios/",
                                dedupe_key=f"bench:{i}", read_at=self.now if i % 3 else None)

        self._fill("notifications", Notification, have, self.counts["notifications"], make, ignore_conflicts=True)

    def change_entries(self) -> None:
        from auditlog.models import LogEntry
        from django.contrib.contenttypes.models import ContentType

        from scenarios.models import Scenario

        content_type = ContentType.objects.get_for_model(Scenario)
        have = LogEntry.objects.filter(cid="bench").count()
        scenarios = list(self._bench_scenarios()) or [(0, self.regions.by_level["city"][0])]
        actors = [pk for pks in self.users_of.values() for pk in pks[:1]]

        def make(i: int) -> LogEntry:
            pk, region = scenarios[i % len(scenarios)]
            # Within the retention period (184 days), so that the pruning task finds nothing to delete.
            stamp = self.now - dt.timedelta(seconds=(i * 15_551) % (180 * 24 * 3600))
            return LogEntry(content_type=content_type, object_pk=str(pk), object_id=pk, object_repr=f"基准场景{pk}",
                            action=1, changes={"status": ["submitted", "approved"]}, changes_text="",
                            actor_id=actors[i % len(actors)], cid="bench", timestamp=stamp,
                            additional_data={"region_path": self.regions.path(region)})

        self._fill("audit change entries", LogEntry, have, self.counts["change_entries"], make)

    def audit_events(self) -> None:
        from shequyun.models import AuditEvent, AuditEventType

        have = AuditEvent.objects.filter(target_type="bench").count()
        people = [(pk, region) for region, pks in self.users_of.items() for pk in pks[:2]]
        kinds = [AuditEventType.SIGN_IN, AuditEventType.SIGN_OUT, AuditEventType.SIGN_IN_FAILED]

        def make(i: int) -> AuditEvent:
            pk, region = people[i % len(people)]
            return AuditEvent(event_type=kinds[i % 3], actor_id=pk, actor_username=f"user{pk}",
                              region_path=self.regions.path(region), target_type="bench", target_id=str(i),
                              created_at=self.now - dt.timedelta(seconds=(i * 7_919) % (180 * 24 * 3600)),
                              ip_address="10.0.0.1", extra={})

        self._fill("audit events", AuditEvent, have, self.counts["audit_events"], make)


def generate(counts: dict[str, int] | None = None, *, quiet: bool = False) -> dict[str, int]:
    """Top every set up to ``counts`` (Shanghai scale by default). Returns how many rows each set gained."""
    return Generator(counts, quiet=quiet).run()


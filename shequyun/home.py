"""What waits on me (DESIGN §9 dashboards, §11 queues): the home page's to-do list, gathered from every module.

One registry, :data:`PROVIDERS`: each module's ``selectors.home_queues(user=...)`` returns its :class:`Queue` rows
(a module with nothing for this user returns none). The home view calls :func:`home_queues` and knows no module.

Every queue is built from the rule that permits its action — the queryset form of the predicate (a workflow
``Rule.filter`` / ``Workflow.waiting_on``, or ``<app>/permissions.py``'s ``x_queryset``) — and carries that
predicate (``check``), so ``tests/test_home_queues.py`` asserts that every item shown passes it. Each queue costs two
queries whatever its size: one aggregate (count, earliest deadline, overdue count) and one for the first items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

#: Each module's provider of home-page queues: ``f(*, user) -> list[Queue]``.
PROVIDERS: tuple[str, ...] = (
    "accounts.selectors.home_queues",
    "scenarios.selectors.home_queues",
    "content.selectors.home_queues",
    "security.selectors.home_queues",
    "dataassets.selectors.home_queues",
    "shequyun.notifications.selectors.home_queues",
)

#: Each module's panel on the home page (counts, charts): ``f(*, user) -> Panel | None`` (``None``: nothing for this
#: user). The home view includes each panel's template with ``panel=panel.context`` and knows no module.
PANELS: tuple[str, ...] = (
    "scenarios.selectors.home_block",
    "content.selectors.home_block",
)

#: How many of a queue's items the home page lists under it (the rest are one click away).
ITEMS_SHOWN = 3


@dataclass
class QueueItem:
    title: str
    url: str
    due: dt.date | None = None
    badge: dict[str, Any] | None = None


@dataclass
class Queue:
    key: str
    label: str
    url: str
    count: int
    due: dt.date | None = None
    overdue: int = 0
    badge: dict[str, Any] | None = None
    items: list[QueueItem] = field(default_factory=list)
    #: rows of a higher rank come after every row of a lower one (the inbox comes after the work)
    rank: int = 0
    #: the rule behind the queue, for tests: every object of ``queryset`` satisfies ``check(user, obj)``
    queryset: QuerySet[Any] | None = field(default=None, repr=False)
    check: Callable[[Any, Any], bool] | None = field(default=None, repr=False)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (self.rank, self.due is None, self.due or dt.date.max, -self.overdue, self.key)


@dataclass
class Panel:
    key: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def charts(self) -> list[Any]:
        return list(self.context.get("charts", []))


def _due_words(due: Any) -> tuple[dt.date | None, dict[str, Any] | None]:
    from .workdays import deadline_words

    if due is None:
        return None, None
    day = timezone.localdate(due) if isinstance(due, dt.datetime) else due
    return day, deadline_words(day)


def build_queue(
    *, key: str, label: str, url: str, queryset: QuerySet[Any], check: Callable[[Any, Any], bool],
    title: Callable[[Any], str] = str, item_url: Callable[[Any], str] | None = None,
    due: str | Any | None = None, order: Iterable[str] = ("pk",), shown: int = ITEMS_SHOWN, rank: int = 0,
) -> Queue:
    """A queue over ``queryset`` (already the rule's queryset form, scoped and with its ``select_related``).

    ``due`` names the deadline (a field path or an expression, a date or a datetime); items are sorted by it, the
    earliest first, items without one last. Two queries: the aggregate and the first ``shown`` items."""
    today_start = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    if due is not None:
        expression = F(due) if isinstance(due, str) else due
        annotated = queryset.annotate(_due=expression)
        output = annotated.query.annotations["_due"].output_field
        cutoff = today_start if isinstance(output, models.DateTimeField) else timezone.localdate()
        totals = annotated.aggregate(n=Count("pk"), first=Min("_due"), late=Count("pk", filter=Q(_due__lt=cutoff)))
        rows = list(annotated.order_by(F("_due").asc(nulls_last=True), *order)[:shown]) if totals["n"] else []
    else:
        totals = {"n": queryset.count(), "first": None, "late": 0}
        rows = list(queryset.order_by(*order)[:shown]) if totals["n"] else []
    first, badge = _due_words(totals["first"])
    items = []
    for obj in rows:
        day, words = _due_words(getattr(obj, "_due", None))
        items.append(QueueItem(title=title(obj), url=item_url(obj) if item_url else url, due=day, badge=words))
    return Queue(key=key, label=label, url=url, count=totals["n"], due=first, overdue=totals["late"] or 0,
                 badge=badge, items=items, rank=rank, queryset=queryset, check=check)


def home_queues(user: Any, providers: Iterable[str] = PROVIDERS) -> list[Queue]:
    """Everything that waits on ``user``, non-empty queues only, the earliest deadline first."""
    if user is None or not user.is_authenticated:
        return []
    queues: list[Queue] = []
    for path in providers:
        queues.extend(q for q in import_string(path)(user=user) if q.count)
    return sorted(queues, key=lambda q: q.sort_key)


def home_panels(user: Any, providers: Iterable[str] = PANELS) -> list[Panel]:
    """Every module's panel for ``user``, in registry order (modules with nothing to show return ``None``)."""
    if user is None or not user.is_authenticated:
        return []
    panels = (import_string(path)(user=user) for path in providers)
    return [p for p in panels if p is not None]

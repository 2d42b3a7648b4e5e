"""The transition engine, written once for every workflow (scenarios now; content review and incidents next).

A workflow is an explicit table ``(from_state, action) -> Transition(to_state, allowed)``. One function,
:func:`transition`, applies an action: it locks the row (``select_for_update``), looks the pair up or raises
:class:`shequyun.errors.Conflict` (HTTP 409, with the current state), asks the table's permission rule (raises
PermissionDenied, HTTP 403), changes the state, saves with ``update_fields``, records a history row through the
workflow's ``record`` callback, audits (django-auditlog sees the save, attributed to the actor) and runs the
``after`` hook on commit (notifications). ``available_actions`` builds UI buttons from the same table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .audit import acting_as
from .errors import Conflict


@dataclass(frozen=True)
class Rule:
    """Who may act, written three ways side by side so they cannot drift apart:

    * ``check(user, obj) -> bool`` — the predicate the engine asks before acting (403 when False);
    * ``filter(user) -> Q`` — the same rule as a condition on the workflow's model: what the user may act on
      (queues are built from it, so a queue never shows an item its reader cannot act on);
    * ``holders(obj) -> QuerySet[User]`` — the same rule from the object's side: who may act on it (notifications
      go to them). Superusers (bootstrap only) pass ``check`` but are never holders.

    Tests assert ``check == filter == holders`` over the four levels and every role (tests/*/test_rules.py)."""

    name: str
    check: Callable[[Any, Any], bool]
    filter: Callable[[Any], Q]
    holders: Callable[[Any], Any]

    def __call__(self, user: Any, obj: Any) -> bool:
        return self.check(user, obj)


NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    allowed: Rule | Callable[[Any, Any], bool]
    label: Any = ""  # str, or a lazy translation (gettext_lazy) in the tables
    needs_comment: bool = False
    style: str = "primary"  # button style in the UI: primary, outline-primary, danger …
    #: the step waits on someone (it is in their queue and they are notified); False for discretionary actions
    #: (disconnect, offboard, merge …) that anyone entitled may take at any time
    waits: bool = True


@dataclass
class Workflow:
    name: str
    transitions: Iterable[Transition]
    state_field: str = "status"
    #: record(obj, transition, actor, comment, previous_state, **extra) writes the history row
    record: Callable[..., Any] | None = None
    #: after(obj, transition, actor, comment) runs on commit (notify whoever must act next)
    after: Callable[..., Any] | None = None
    #: people(obj) -> users: who must act on ``obj`` in its current state, for tables whose rules are plain
    #: predicates (their ``<app>/permissions.py`` recipients); tables of :class:`Rule` need none (their holders)
    people: Callable[[Any], Iterable[Any]] | None = None
    table: dict[tuple[str, str], Transition] = field(init=False)

    def __post_init__(self) -> None:
        self.table = {}
        for t in self.transitions:
            key = (t.source, t.action)
            if key in self.table:
                raise ValueError(f"{self.name}: duplicate transition {key}")
            self.table[key] = t

    @property
    def actions(self) -> set[str]:
        return {action for _source, action in self.table}

    def get(self, state: str, action: str) -> Transition | None:
        return self.table.get((state, action))

    def available_actions(self, obj: Any, user: Any) -> list[Transition]:
        state = getattr(obj, self.state_field)
        return [t for (source, _a), t in self.table.items() if source == state and t.allowed(user, obj)]

    def waiting_on(self, user: Any) -> Q:
        """The objects whose current state waits on ``user``: for every waiting transition, its source state and
        its rule's queryset form. Combine with ``visible_to(user)``."""
        condition = NOTHING
        for t in self.table.values():
            if t.waits and isinstance(t.allowed, Rule):
                condition |= Q(**{self.state_field: t.source}) & t.allowed.filter(user)
        return condition

    def waiting_steps(self) -> dict[str, list[Transition]]:
        """The waiting transitions with a Rule, by source state: one queue per state (``shequyun/home.py``)."""
        steps: dict[str, list[Transition]] = {}
        for t in self.table.values():
            if t.waits and isinstance(t.allowed, Rule):
                steps.setdefault(t.source, []).append(t)
        return steps

    def state_waiting_on(self, state: str, user: Any) -> Q:
        """The part of :meth:`waiting_on` for one state."""
        condition = NOTHING
        for t in self.waiting_steps().get(state, []):
            # (state & rule) per step: ``NOTHING | Q()`` would drop the empty Q ("everything") and keep NOTHING
            assert isinstance(t.allowed, Rule)  # noqa: S101  (waiting_steps keeps Rule steps only)
            condition |= Q(**{self.state_field: state}) & t.allowed.filter(user)
        return condition

    def may_act_in_state(self, state: str, user: Any, obj: Any) -> bool:
        """The predicate form of :meth:`state_waiting_on`: ``obj`` is in ``state`` and a waiting step's rule holds."""
        return getattr(obj, self.state_field) == state and any(
            t.allowed(user, obj) for t in self.waiting_steps().get(state, []))

    def next_actors(self, obj: Any) -> list[Any]:
        """Who must act now that ``obj`` is in its current state (the holders of every waiting transition, or the
        workflow's ``people`` for tables of plain predicates)."""
        state = getattr(obj, self.state_field)
        people: dict[Any, Any] = {}
        if self.people is not None:
            for user in self.people(obj):
                people.setdefault(user.pk, user)
            return list(people.values())
        for (source, _a), t in self.table.items():
            if source == state and t.waits and isinstance(t.allowed, Rule):
                for user in t.allowed.holders(obj):
                    people.setdefault(user.pk, user)
        return list(people.values())


def outcome_message(workflow: Workflow, obj: Any, action: str | Transition, actor: Any = None) -> str:
    """The flash message after a transition: what happened and who acts next, e.g. "已核准，已通知上海市社区服务中心
    确认报备。". Built from the step's label and :meth:`Workflow.next_actors` (named by their organisations, else by
    name); the next step is the first waiting one from the new state that those people may take."""
    from django.utils.translation import gettext as _

    state = getattr(obj, workflow.state_field)
    step = action if isinstance(action, Transition) else next(
        (t for t in workflow.table.values() if t.action == action and t.target == state),
        next((t for t in workflow.table.values() if t.action == action), None))
    done = str(step.label) if step is not None and step.label else _("操作")
    everyone = [p for p in workflow.next_actors(obj) if p.is_active]
    people = [p for p in everyone if p.pk != getattr(actor, "pk", None)]
    following = None
    for t in workflow.table.values():
        if t.source == state and t.waits and any(_may(t, p, obj) for p in people):
            following = t
            break
    if following is None:
        mine = next((t for t in workflow.table.values()
                     if t.source == state and t.waits and actor is not None and _may(t, actor, obj)), None)
        if mine is not None:
            return _("已%(done)s，下一步请您%(next)s。") % {"done": done, "next": mine.label}
        return _("已%(done)s。") % {"done": done}
    names: list[str] = []
    for person in people:
        if not _may(following, person, obj):
            continue
        name = str(person.organisation.name) if getattr(person, "organisation", None) else person.display_name
        if name not in names:
            names.append(name)
    who = "、".join(names[:3]) + (_("等") if len(names) > 3 else "")
    return _("已%(done)s，已通知%(who)s%(next)s。") % {"done": done, "who": who, "next": following.label}


def _may(step: Transition, person: Any, obj: Any) -> bool:
    try:
        return bool(step.allowed(person, obj))
    except (AttributeError, TypeError, ValueError):  # a rule that cannot judge this person is not naming them
        return False


def transition(
    workflow: Workflow, *, obj: models.Model, action: str, actor: Any, comment: str = "",
    extra_update: Callable[[Any, Transition], list[str]] | None = None,
    validate: Callable[[Any, Transition], None] | None = None, **extra: Any,
) -> models.Model:
    """Apply ``action`` to ``obj`` as ``actor``. Exactly one of two concurrent callers wins: the row is locked and
    the state re-read, so the loser sees the new state and gets a 409.

    Order: state (409) → permission (403) → comment and ``validate(locked, step)`` (400, raising ValidationError)
    → write. Someone who may not act learns nothing about what the object still lacks."""
    if action not in workflow.actions:
        raise Conflict(_("未知操作：%(action)s") % {"action": action}, action=action)
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)
        state = getattr(locked, workflow.state_field)
        step = workflow.get(state, action)
        if step is None:
            raise Conflict(
                _("当前状态为“%(state)s”，不能执行此操作。") % {"state": _state_label(locked, workflow.state_field)},
                status=state, action=action,
            )
        if not step.allowed(actor, locked):
            raise PermissionDenied(_("您无权执行此操作。"))
        if step.needs_comment and not (comment or "").strip():
            from django.core.exceptions import ValidationError

            raise ValidationError({"comment": [_("请填写意见。")]})
        if validate is not None:
            validate(locked, step)
        setattr(locked, workflow.state_field, step.target)
        fields = [workflow.state_field]
        if extra_update is not None:
            fields += extra_update(locked, step)
        with acting_as(actor):
            locked.save(update_fields=fields)
            if workflow.record is not None:
                workflow.record(locked, step, actor, comment, state, **extra)
        if workflow.after is not None:
            after = workflow.after
            transaction.on_commit(lambda: after(locked, step, actor, comment))
    return locked


def _state_label(obj: Any, field_name: str) -> str:
    display = getattr(obj, f"get_{field_name}_display", None)
    return str(display()) if display else str(getattr(obj, field_name))

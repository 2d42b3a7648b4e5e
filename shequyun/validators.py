"""Validation written once (issue 9): the rules that the model (``full_clean``), the form and the serializer all
apply, so the browser and the API refuse the same values with the same message, naming the field.

* **Bounded text.** Every free-text column has a maximum length, one of the tiers below. A ``TextField`` takes
  ``**bounded(NOTE)``: ``max_length`` (which ModelForm and ModelSerializer turn into their own check) and a
  ``MaxLengthValidator`` (which ``Model.full_clean`` runs; Django does not check a TextField's max_length itself).
  A hand-written form or serializer field mirroring a model column takes ``max_length=max_length_of(Model, name)``.
* **Dates.** :func:`sane_date` (no year 0080 or 5274), :func:`not_future` and :func:`not_past` (today in Shanghai).
* **Formats.** :data:`phone_validator`, :data:`period_validator`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: Comments, opinions, notes, reasons.
NOTE = 2_000
#: A scenario's 功能概述: the text the similarity search tokenises, so kept short enough to segment in milliseconds.
SUMMARY = 4_000
#: Descriptions, results, short plans.
MEDIUM = 5_000
#: Longer descriptions: mechanisms, needs, incident details, drill findings.
DOCUMENT = 10_000
#: Whole sections of an emergency plan.
SECTION = 20_000
#: A password: long passphrases welcome, a megabyte is not.
PASSWORD = 256
#: Sanitised rich text (content articles), HTML included.
RICH = 100_000


def bounded(limit: int) -> dict[str, Any]:
    """``models.TextField(..., **bounded(NOTE))``: the maximum length every channel enforces."""
    return {"max_length": limit, "validators": [MaxLengthValidator(limit)]}


def max_length_of(model: Any, name: str) -> int:
    """The model column's limit, for a hand-written form or serializer field that mirrors it."""
    limit = model._meta.get_field(name).max_length
    if limit is None:  # pragma: no cover — tests/test_bounded_text.py keeps every text column bounded
        raise LookupError(f"{model._meta.label}.{name} has no max_length")
    return int(limit)


# ---- dates ---------------------------------------------------------------------------------------------------

#: Dates the portal can mean: nothing before the platform's predecessors, nothing beyond a plan's horizon.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _today() -> dt.date:
    return timezone.localdate()


@deconstructible
class SaneDate:
    """Refuse absurd years (0002, 9122): the date lies within [EARLIEST, LATEST]."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date) and not (EARLIEST <= value <= LATEST):
            raise ValidationError(_("日期应在 %(start)s 至 %(end)s 之间。"), code="date_range",
                                  params={"start": EARLIEST.isoformat(), "end": LATEST.isoformat()})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SaneDate)


@deconstructible
class NotFuture:
    """The date has happened: not after today (Shanghai)."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, dt.date) and value > _today():
            raise ValidationError(_("日期不能晚于今天。"), code="future")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotFuture)


@deconstructible
class NotPast:
    """A deadline: today or later (Shanghai). Only for values being set — a stored deadline may lie in the past."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, dt.date) and value < _today():
            raise ValidationError(_("日期不能早于今天。"), code="past")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotPast)


sane_date = SaneDate()
not_future = NotFuture()
not_past = NotPast()


# ---- formats -------------------------------------------------------------------------------------------------

#: A Chinese telephone number as people write it: mobile 1xxxxxxxxxx, landline 021-12345678 (area code, hyphens,
#: spaces, an extension after 转 or -), or a service number such as 12345 / 400-820-8820.
phone_validator = RegexValidator(
    r"^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}[- ]?\d{7,8}([- 转]\d{1,6})?|[1-9]\d{4,7}|400[- ]?\d{3}[- ]?\d{4})$",
    _("请填写有效的电话号码，如 13800138000 或 021-12345678。"), code="phone")

#: An evaluation period: a quarter (2026Q4), a half year (2026H2) or a whole year (2026Y).
period_validator = RegexValidator(r"^20\d{2}(Q[1-4]|H[12]|Y)$",
                                  _("评估周期格式为 2026Q4（季度）、2026H2（半年）或 2026Y（全年）。"), code="period")


# ---- cross-field rules ---------------------------------------------------------------------------------------

#: The most households or residents one region can register (Shanghai has about 25 million residents).
HEADCOUNT_MAX = 30_000_000


def check_households_population(households: int | None, population: int | None) -> None:
    """A region's registered households and residents: each within 0..HEADCOUNT_MAX, and no more households than
    residents (every household has at least one). Raises a ValidationError naming the field."""
    errors: dict[str, list[Any]] = {}
    for name, value in (("households", households), ("population", population)):
        if value is not None and not 0 <= value <= HEADCOUNT_MAX:
            errors[name] = [_("应为 0 到 30,000,000 之间的整数。")]
    if not errors and households is not None and population is not None and households > population:
        errors["households"] = [_("登记户数不能多于常住人口。")]
    if errors:
        raise ValidationError(errors)


def check_due_date(value: Any, *, field: str = "due_date") -> None:
    """A deadline being set: a real date, today or later. Raises a ValidationError naming ``field``."""
    messages = []
    for validator in (sane_date, not_past):
        try:
            validator(value)
        except ValidationError as exc:
            messages.extend(exc.messages)
    if messages:
        raise ValidationError({field: messages})

"""Deadline badges in words for the data-assets queues (DESIGN §11), from the one calendar."""

from __future__ import annotations

from typing import Any

from django import template

from shequyun.workdays import calendar, deadline_words

register = template.Library()


@register.inclusion_tag("dataassets/_deadline.html")
def deadline(due: Any, done: bool = False) -> dict[str, Any]:
    if due is None:
        return {"due": None}
    words = deadline_words(due)
    return {"due": due, "done": done, "words": words, "provisional": calendar.is_provisional(due)}

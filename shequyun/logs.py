"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

The id comes from the load balancer's ``X-Request-ID`` header (or is generated), is returned in the response, and
travels with every Celery task sent while handling the request (a message header), so one search finds the page
view, the task it started and the worker's lines about it. Wired in ``shequyun/middleware.py`` (requests) and
``shequyun/celery.py`` (tasks).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
task_var: ContextVar[str] = ContextVar("task", default="")

#: What an incoming X-Request-ID may look like (anything else is replaced, so logs cannot be forged or flooded).
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

# Attributes of every LogRecord; anything else passed with ``extra=`` is added to the JSON object.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id", "task"}


def new_request_id(incoming: str | None = None) -> str:
    if incoming and _VALID_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (and ``task``) to every record, so both formatters can print them."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.task = task_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        task = getattr(record, "task", task_var.get())
        if task:
            entry["task"] = task
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)

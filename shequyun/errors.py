"""Domain exceptions shared by every app; views and the API map them to HTTP answers in one place each."""

from __future__ import annotations

from typing import Any


class Conflict(Exception):
    """The action is not allowed in the object's current state (HTTP 409)."""

    def __init__(self, message: str, **payload: Any) -> None:
        super().__init__(message)
        self.message = message
        self.payload = payload

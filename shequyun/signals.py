"""Signals that cross-cutting services send to the apps (shequyun imports no app; apps listen)."""

from django.dispatch import Signal

#: sent after the working-day calendar changed; ``dates``: the days entered or removed
calendar_changed = Signal()

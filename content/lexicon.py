"""The sensitive-word scan (DESIGN §4): one Aho-Corasick automaton (pyahocorasick) over the whole lexicon, built once
per process and rebuilt when the lexicon changes (a version token in the shared cache, written by every change), so
a submit costs one pass over the text whatever the size of the lexicon (``benchmarks/test_content_bench.py``:
100,000 words)."""

from __future__ import annotations

import html
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

_VERSION_KEY = "shequyun:content:lexicon"
_CHECK_EVERY = 1.0


@dataclass(frozen=True)
class Hit:
    word: str
    severity: str
    start: int  # index of the first character in the scanned text
    end: int  # index after the last character


def build(words: Iterable[tuple[str, str]]) -> ahocorasick.Automaton | None:
    automaton = ahocorasick.Automaton()
    count = 0
    for word, severity in words:
        key = word.strip().lower()
        if key:
            automaton.add_word(key, (key, severity))
            count += 1
    if not count:
        return None
    automaton.make_automaton()
    return automaton


class _Cache:
    def __init__(self) -> None:
        self.automaton: ahocorasick.Automaton | None = None
        self.loaded = False
        self.version: object = None
        self.checked_at = 0.0

    def get(self) -> ahocorasick.Automaton | None:
        now = time.monotonic()
        if self.loaded and now - self.checked_at < _CHECK_EVERY:
            return self.automaton
        from django.core.cache import cache

        version = cache.get(_VERSION_KEY)
        self.checked_at = now
        if not self.loaded or version != self.version:
            from .models import SensitiveWord

            self.automaton = build(SensitiveWord.objects.values_list("word", "severity").iterator())
            self.loaded = True
            self.version = version
        return self.automaton

    def forget(self) -> None:
        self.loaded = False


_cache = _Cache()


def lexicon_changed() -> None:
    """Every process rebuilds its automaton at its next scan (this one at once)."""
    from django.core.cache import cache

    cache.set(_VERSION_KEY, uuid.uuid4().hex, None)
    _cache.forget()


def scan(text: str, automaton: ahocorasick.Automaton | None = None) -> list[Hit]:
    """Every occurrence of a lexicon word in ``text`` (case-insensitive); overlapping matches all reported."""
    automaton = automaton if automaton is not None else _cache.get()
    if automaton is None or not text:
        return []
    return [Hit(word, severity, end - len(word) + 1, end + 1) for end, (word, severity) in automaton.iter(text.lower())]


def words(hits: Iterable[Hit], severity: str | None = None) -> list[str]:
    """Distinct words in order of first appearance."""
    seen: dict[str, None] = {}
    for hit in hits:
        if severity is None or hit.severity == severity:
            seen.setdefault(hit.word, None)
    return list(seen)


_TAG_SPLIT = re.compile(r"(<[^>]+>)")


def highlight(markup: str, *, escaped: bool = True, severities: set[str] | None = None) -> str:
    """Wrap lexicon words in ``<mark>`` in place. ``markup`` is sanitised HTML (``escaped=True``) or plain text; tags
    are left alone and only text between them is marked. Returns HTML safe to render."""
    automaton = _cache.get()
    pieces = _TAG_SPLIT.split(markup) if escaped else [markup]
    out = []
    for piece in pieces:
        if escaped and piece.startswith("<"):
            out.append(piece)
            continue
        text = html.unescape(piece) if escaped else piece
        hits = [h for h in scan(text, automaton) if severities is None or h.severity in severities]
        out.append(_mark(text, hits))
    return "".join(out)


def _mark(text: str, hits: list[Hit]) -> str:
    # Longest match first at each position; overlapping matches are merged into the first.
    hits = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
    result, position = [], 0
    for hit in hits:
        if hit.start < position:
            continue
        result.append(html.escape(text[position:hit.start]))
        css = "lexicon-block" if hit.severity == "block" else "lexicon-flag"
        result.append(f'<mark class="{css}" data-severity="{hit.severity}">{html.escape(text[hit.start:hit.end])}</mark>')
        position = hit.end
    result.append(html.escape(text[position:]))
    return "".join(result)

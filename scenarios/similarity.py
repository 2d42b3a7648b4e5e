"""Similar scenarios (清单制: find apps that already do it). Chinese text is segmented with jieba once, when a
scenario is saved (``Scenario.search_tokens``); a query compares TF-IDF vectors by cosine similarity over the
inventory in plain Python — one query, no model to train, fast enough for thousands of scenarios (make bench)."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from shequyun.validators import SUMMARY

_STOP = set("的 了 和 与 及 或 等 在 对 为 是 将 由 于 以 并 其 该 各 个 一 有 可 通过 进行 实现 提供 用于 社区 系统 平台 服务 管理".split())
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

#: Bounds on what is segmented (issue 9): each text at most the longest 功能概述 a form accepts, and at most this
#: many tokens in all — so no input, however it reaches here, costs more than the slowest accepted one.
MAX_CHARS = SUMMARY
MAX_TOKENS = 4_000


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokenize(*texts: str) -> list[str]:
    """Search tokens of ``texts``, each cut to :data:`MAX_CHARS`, at most :data:`MAX_TOKENS` in all."""
    tokens: list[str] = []
    for text in texts:
        for token in _jieba().lcut_for_search((text or "")[:MAX_CHARS]):
            token = token.strip().lower()
            if len(token) > 1 and token not in _STOP and _WORD.search(token):
                tokens.append(token)
                if len(tokens) >= MAX_TOKENS:
                    return tokens
    return tokens


@dataclass
class Match:
    scenario_id: int
    score: float


def rank(query_tokens: Iterable[str], corpus: Iterable[tuple[int, str]], *, limit: int = 5,
         threshold: float = 0.15, exclude: int | None = None) -> list[Match]:
    """Rank ``corpus`` rows (id, space-joined tokens) by TF-IDF cosine similarity to the query."""
    documents = [(pk, Counter(tokens.split())) for pk, tokens in corpus if pk != exclude and tokens]
    query = Counter(query_tokens)
    if not documents or not query:
        return []
    df: Counter[str] = Counter()
    for _pk, counts in documents:
        df.update(counts.keys())
    n = len(documents) + 1

    def weights(counts: Counter[str]) -> dict[str, float]:
        return {t: (1 + math.log(c)) * (math.log(n / (1 + df.get(t, 0))) + 1) for t, c in counts.items()}

    q = weights(query)
    q_norm = math.sqrt(sum(v * v for v in q.values())) or 1.0
    results = []
    for pk, counts in documents:
        if not (counts.keys() & q.keys()):
            continue
        d = weights(counts)
        dot = sum(q[t] * d[t] for t in q.keys() & d.keys())
        score = dot / (q_norm * (math.sqrt(sum(v * v for v in d.values())) or 1.0))
        if score >= threshold:
            results.append(Match(pk, round(score, 3)))
    results.sort(key=lambda m: -m.score)
    return results[:limit]

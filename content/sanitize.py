"""Rich text, sanitised once with nh3 (an allow-list): no scripts, no event handlers, no ``javascript:`` or ``data:``
URLs, no images or frames pointing elsewhere (pictures are attachments, sniffed and re-encoded)."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "s", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a",
                "table", "thead", "tbody", "tr", "th", "td", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
#: Tags removed together with their content (the rest are unwrapped and keep their text).
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math"}

_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)


def clean_html(value: str) -> str:
    """The body as stored: allow-listed tags and attributes only; plain text (no tags) becomes paragraphs."""
    value = (value or "").replace("\r\n", "\n").strip()
    if not value:
        return ""
    if "<" not in value:
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", value) if p.strip()]
        value = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    cleaned = nh3.clean(value, tags=ALLOWED_TAGS, clean_content_tags=DROP_WITH_CONTENT, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow", strip_comments=True)
    return cleaned.strip()


def plain_text(value: str) -> str:
    """Text of sanitised HTML, one line per block (for the lexicon scan, diffs and excerpts)."""
    text = _BLOCK_END.sub("\n", value or "")
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def excerpt(value: str, length: int = 80) -> str:
    text = plain_text(value).replace("\n", " ")
    return text if len(text) <= length else text[: length - 1] + "…"

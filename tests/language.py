"""Plain Chinese (issue 14 §8): find English words in what a zh-hans user reads.

``english_words(html)`` returns the ASCII words of a page's visible text (its ``<main>`` and the messages, alt and
aria-label texts), leaving out what is not language: codes, units, product and standard names, file names, URLs,
e-mail addresses and the demo data's user names."""

from __future__ import annotations

import re

WORD = re.compile(r"(?<![\w.@/-])[A-Za-z][A-Za-z']{2,}(?![\w@/-])")
#: Not English prose: product, standard and protocol names, units, file types, abbreviations a Chinese UI uses.
ALLOWED = {
    "PDF", "Word", "Excel", "xlsx", "docx", "doc", "csv", "json", "JSON", "XML", "API", "REST", "OpenAPI", "Swagger",
    "URL", "URI", "HTTP", "HTTPS", "IP", "ID", "OTP", "TOTP", "PNG", "JPEG", "JPG", "GIF", "MP3", "MP4", "WebP",
    "ECharts", "PDF.js", "GB", "GBT", "MB", "KB", "DCAT", "OpenID", "Connect", "OIDC", "SM4", "SM3", "GCM", "HMAC",
    "English", "Google", "Authenticator", "Microsoft", "FreeOTP", "App", "APP", "WPS", "Token", "token",
    "Bearer", "Authorization", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "SQL", "CSV", "UTF", "BOM", "QR", "ISO", "WCAG", "NBS", "WiFi", "Wi", "Fi",
}
FILE_OR_LINK = re.compile(r"\S+\.(?:csv|pdf|docx?|xlsx|json|png|jpe?g|mp4|mp3|txt)\b|https?://\S+|\S+@\S+|\b\w+_\w+\b")


def visible_text(html: str) -> str:
    """The text of ``<main>`` (and the alt / aria-label / title / placeholder texts in it)."""
    if '<main id="main"' in html:
        html = html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    html = re.sub(r"<(script|style|code|pre|kbd|samp)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    attrs = " ".join(re.findall(r'\b(?:alt|aria-label|title|placeholder)="([^"]*)"', html))
    text = re.sub(r"<[^>]+>", " ", html) + " " + attrs
    return re.sub(r"&[a-z]+;|&#\d+;", " ", text)


def english_words(html_or_text: str, *, allowed: set[str] | frozenset[str] = frozenset()) -> set[str]:
    text = visible_text(html_or_text) if "<" in html_or_text else html_or_text
    text = FILE_OR_LINK.sub(" ", text)
    return {w for w in WORD.findall(text) if w not in ALLOWED and w not in allowed}

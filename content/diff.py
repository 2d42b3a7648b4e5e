"""The diff reviewers read between any two revisions of an item: title and body character by character (Chinese has
no spaces to split words on), paragraph by paragraph for the body, and attachments added / removed."""

from __future__ import annotations

import difflib
import html
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from .sanitize import plain_text


def _inline(old: str, new: str) -> SafeString:
    """One line with deletions in ``<del>`` and insertions in ``<ins>`` (escaped)."""
    out = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(html.escape(old[a1:a2]))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{html.escape(old[a1:a2])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{html.escape(new[b1:b2])}</ins>")
    return mark_safe("".join(out))  # noqa: S308 (every piece is escaped above)


def diff_lines(old: str, new: str) -> list[dict[str, Any]]:
    """Paragraph rows: {"op": equal|insert|delete|replace, "html": …}."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[dict[str, Any]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [{"op": "equal", "html": html.escape(line)} for line in a[a1:a2]]
        elif op == "delete":
            rows += [{"op": "delete", "html": mark_safe(f"<del>{html.escape(line)}</del>")} for line in a[a1:a2]]  # noqa: S308
        elif op == "insert":
            rows += [{"op": "insert", "html": mark_safe(f"<ins>{html.escape(line)}</ins>")} for line in b[b1:b2]]  # noqa: S308
        else:
            old_block, new_block = a[a1:a2], b[b1:b2]
            for index in range(max(len(old_block), len(new_block))):
                rows.append({"op": "replace", "html": _inline(old_block[index] if index < len(old_block) else "",
                                                              new_block[index] if index < len(new_block) else "")})
    return rows


def diff_revisions(old: Any, new: Any) -> dict[str, Any]:
    """Everything that changed from revision ``old`` to revision ``new`` (either may be None: compare with nothing)."""
    old_title = old.title if old is not None else ""
    old_body = plain_text(old.body) if old is not None else ""
    old_files = {f["id"]: f for f in (old.attachments if old is not None else [])}
    new_files = {f["id"]: f for f in new.attachments}
    body_rows = diff_lines(old_body, plain_text(new.body))
    return {
        "old": old,
        "new": new,
        "title": _inline(old_title, new.title),
        "title_changed": old_title != new.title,
        "body": body_rows,
        "body_changed": any(row["op"] != "equal" for row in body_rows),
        "added": [f for pk, f in new_files.items() if pk not in old_files],
        "removed": [f for pk, f in old_files.items() if pk not in new_files],
        "kept": [f for pk, f in new_files.items() if pk in old_files],
        "fields": _field_changes(old.fields if old is not None else {}, new.fields),
    }


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": key, "old": old.get(key), "new": new.get(key)} for key in sorted(set(old) | set(new))
            if old.get(key) != new.get(key)]


def diff_as_json(diff: dict[str, Any]) -> dict[str, Any]:
    """The same diff for the API (HTML fragments as strings)."""
    return {
        "from_revision": diff["old"].number if diff["old"] is not None else None,
        "to_revision": diff["new"].number,
        "title": str(diff["title"]),
        "title_changed": diff["title_changed"],
        "body": [{"op": row["op"], "html": str(row["html"])} for row in diff["body"]],
        "body_changed": diff["body_changed"],
        "attachments_added": diff["added"],
        "attachments_removed": diff["removed"],
        "fields": diff["fields"],
    }

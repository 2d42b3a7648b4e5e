"""Serving and replacing uploaded files, written once.

Uploaded files are only ever served through a view that has already checked scope (the object was fetched with
``visible_to``). They are served as **attachments** with ``nosniff``, so a file crafted to be both a PDF and an
HTML page can never run in the portal's origin. The one exception is a PDF *preview*: served inline, framed only
by the portal itself (``X-Frame-Options: SAMEORIGIN`` and ``frame-ancestors 'self'``), never read as anything but a PDF.
A file that is missing from storage answers 404, never 500. A replaced file is deleted after the transaction
commits.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

from django.db import transaction
from django.http import FileResponse, Http404

from .uploads import MIME_BY_EXTENSION

INLINE_IMAGES = {"jpg", "png", "gif", "webp"}


def file_response(field_file: Any, *, filename: str, extension: str = "", inline_pdf: bool = False,
                  inline_image: bool = False) -> FileResponse:
    """Stream ``field_file`` (a FieldFile). ``inline_pdf`` only takes effect for a PDF; ``inline_image`` only for a
    raster picture the portal re-encoded itself (content media): those may be shown in a page."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    extension = (extension or str(field_file.name).rsplit(".", 1)[-1]).lower()
    content_type = MIME_BY_EXTENSION.get(extension) or mimetypes.types_map.get(f".{extension}", "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    inline = (inline_pdf and extension == "pdf") or (inline_image and extension in INLINE_IMAGES)
    name = filename if filename.lower().endswith(f".{extension}") else f"{filename}.{extension}"
    response["Content-Disposition"] = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if not inline_pdf or extension != "pdf":
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"  # never a page, whatever a browser guesses
    if inline and extension == "pdf":
        response["X-Frame-Options"] = "SAMEORIGIN"
        # Only the framing rule: a page policy (object-src 'none', sandbox) would stop the browser's PDF viewer; the
        # content type is fixed and nosniff, so the bytes are never read as a page.
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


def delete_on_commit(field_file: Any) -> None:
    """Remove a replaced file once the new one is safely recorded (nothing is lost if the transaction fails)."""
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name) if storage.exists(name) else None)

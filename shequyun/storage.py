"""Where files live: static files (hashed, compressed, served by whitenoise) and uploaded files (object storage
through django-storages' S3 backend when ``AWS_STORAGE_BUCKET_NAME`` is set, the local ``MEDIA_ROOT`` otherwise).

Uploaded files are never public: the bucket is private and a download always goes through a scoped view, which
either streams the file (:func:`serve_file`, the default) or redirects to a presigned URL that expires within a
minute (``MEDIA_PRESIGNED_REDIRECT``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed + compressed storage, without rewriting source-map comments.

    The vendored minified files (Bootstrap) name a ``.map`` file that we do not ship; Django's default patterns try
    to hash it and ``collectstatic`` stops with ``MissingFileError``. Only CSS ``url()`` and ``@import`` references
    are rewritten — those are the ones that must point at the hashed names.
    """

    patterns = (
        (
            "*.css",
            (
                r"""(?P<matched>url\(['"]{0,1}\s*(?P<url>.*?)["']{0,1}\))""",
                (r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""", """@import url("%(url)s")"""),
            ),
        ),
    )


def uses_object_storage() -> bool:
    return settings.STORAGES["default"]["BACKEND"].startswith("storages.")


def storage_check() -> tuple[bool, str]:
    """Readiness of the file store: the bucket answers, or the media folder exists and is writable."""
    try:
        if uses_object_storage():
            storage = default_storage
            storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)  # type: ignore[attr-defined]
            return True, f"s3://{storage.bucket_name}"  # type: ignore[attr-defined]
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK):
            return False, "media folder not writable"
        return True, "local"
    except Exception as exc:  # noqa: BLE001 — any failure means "not ready", reported with its type
        return False, type(exc).__name__


def serve_file(
    field: FieldFile, *, filename: str, content_type: str, inline: bool = False, presigned: bool | None = None
) -> HttpResponse:
    """Answer a download that a scoped view has already authorised.

    Streams the file from whichever storage holds it; with object storage and ``MEDIA_PRESIGNED_REDIRECT`` on (or
    ``presigned=True``), redirects to a presigned URL valid for ``AWS_QUERYSTRING_EXPIRE`` seconds instead, so that
    large files do not pass through the web process.
    """
    disposition = "inline" if inline else "attachment"
    if presigned is None:
        presigned = settings.MEDIA_PRESIGNED_REDIRECT
    if presigned and uses_object_storage():
        params: dict[str, Any] = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f'{disposition}; filename="{filename}"',
        }
        url = field.storage.url(field.name, parameters=params, expire=settings.AWS_QUERYSTRING_EXPIRE)  # type: ignore[call-arg]
        response: HttpResponse = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
        return response
    streamed = FileResponse(field.open("rb"), content_type=content_type, as_attachment=not inline, filename=filename)
    streamed["X-Content-Type-Options"] = "nosniff"
    streamed["Cache-Control"] = "private, no-store"
    return streamed

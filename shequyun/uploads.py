"""Uploaded files, checked once: the type is sniffed from the bytes (never the name), the size is limited, and the
stored name is generated (the user's file name is kept only as a label)."""

from __future__ import annotations

import uuid
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.utils.translation import gettext as _

MIME_BY_EXTENSION = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "aac": "audio/aac",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "mov": "video/quicktime",
    "m4v": "video/mp4",
}


def sniff_upload(upload: Any, *, field: str, allowed: set[str], max_bytes: int) -> str:
    """Return the real extension of ``upload`` if it is one of ``allowed`` and not larger than ``max_bytes``;
    raise a ValidationError naming ``field`` otherwise."""
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise ValidationError({field: [_("文件是空的。")]})
    if size > max_bytes:
        raise ValidationError({field: [_("文件不能超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)}]})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = kind.extension if kind is not None else ""
    if extension not in allowed:
        names = "、".join(sorted(e.upper() for e in allowed))
        raise ValidationError({field: [_("只接受 %(types)s 文件（按文件内容识别，不看扩展名）。") % {"types": names}]})
    return extension


def stored_file(upload: Any, *, extension: str) -> File:
    """A File with a generated name, for FileField.save()/assignment."""
    return File(upload, name=f"{uuid.uuid4().hex}.{extension}")

"""Uploads of content and training files: the type sniffed from the bytes (shequyun/uploads.py), a size limit per
kind, images re-encoded with Pillow so that EXIF (GPS position, camera, author) never leaves the portal.

Everything is checked *before* anything is written: :func:`prepare` turns the uploads into :class:`Prepared` files
or raises a ValidationError naming the field, so a refused upload leaves nothing half-saved.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _

from shequyun.uploads import MIME_BY_EXTENSION, sniff_upload

from .models import Kind, Media

MB = 1024 * 1024
EXTENSIONS = {
    Media.IMAGE: {"jpg", "png", "gif", "webp"},
    Media.AUDIO: {"mp3", "m4a", "wav", "ogg", "aac"},
    Media.VIDEO: {"mp4", "webm", "mov", "m4v"},
    Media.DOCUMENT: {"pdf", "docx"},
}
MAX_BYTES = {Media.IMAGE: 10 * MB, Media.AUDIO: 50 * MB, Media.VIDEO: 200 * MB, Media.DOCUMENT: 20 * MB}
#: What each kind of item may carry, and what it must carry before submit.
ALLOWED_MEDIA = {
    Kind.NOTICE: {Media.IMAGE, Media.DOCUMENT},
    Kind.ARTICLE: {Media.IMAGE, Media.DOCUMENT},
    Kind.ACTIVITY: {Media.IMAGE, Media.DOCUMENT},
    Kind.IMAGES: {Media.IMAGE},
    Kind.AUDIO: {Media.AUDIO, Media.IMAGE},
    Kind.VIDEO: {Media.VIDEO, Media.IMAGE},
}
REQUIRED_MEDIA = {Kind.IMAGES: Media.IMAGE, Kind.AUDIO: Media.AUDIO, Kind.VIDEO: Media.VIDEO}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded
MIME = MIME_BY_EXTENSION  # the one table (shequyun/uploads.py)


@dataclass
class Prepared:
    name: str
    media: str
    extension: str
    content: File
    size: int
    sha256: str


def media_of(extension: str) -> str | None:
    return next((media for media, extensions in EXTENSIONS.items() if extension in extensions), None)


def _sniff_any(upload: Any, field: str, allowed_media: set[str]) -> tuple[str, str]:
    allowed = set().union(*(EXTENSIONS[m] for m in allowed_media))
    biggest = max(MAX_BYTES[m] for m in allowed_media)
    extension = sniff_upload(upload, field=field, allowed=allowed, max_bytes=biggest)
    media = media_of(extension)
    assert media is not None  # noqa: S101 (allowed only holds known extensions)
    if upload.size > MAX_BYTES[media]:
        raise ValidationError({field: [_("%(media)s文件不能超过 %(mb)d MB。") % {
            "media": Media(media).label, "mb": MAX_BYTES[media] // MB}]})
    return extension, media


def reencode_image(upload: Any, extension: str, field: str) -> bytes:
    """Decode and encode again: the pixels survive, metadata (EXIF with GPS, XMP, comments, ICC text) does not.
    The orientation recorded in EXIF is applied to the pixels first, so the picture still stands upright."""
    from PIL import Image, ImageOps

    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            previous = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = MAX_PIXELS
            try:
                image = Image.open(io.BytesIO(data))
                image.load()
            finally:
                Image.MAX_IMAGE_PIXELS = previous
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError({field: [_("图片尺寸过大。")]}) from exc
    except Exception as exc:  # noqa: BLE001 (any decoder failure means the file is not a usable picture)
        raise ValidationError({field: [_("图片文件已损坏，无法读取。")]}) from exc
    out = io.BytesIO()
    if extension == "gif":
        frames = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            frames.append(image.convert("RGBA").copy())
        frames[0].save(out, format="GIF", save_all=len(frames) > 1, append_images=frames[1:], loop=0,
                       duration=image.info.get("duration", 100))
        return out.getvalue()
    image = ImageOps.exif_transpose(image)
    if extension == "jpg":
        image.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
    elif extension == "png":
        clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        clean.save(out, format="PNG", optimize=True)
    else:
        image.convert("RGBA").save(out, format="WEBP", quality=88)
    return out.getvalue()


def prepare(uploads: list[Any], *, field: str, allowed_media: set[str]) -> list[Prepared]:
    """Check every upload (all of them, before anything is stored) and return what to store."""
    prepared = []
    for upload in uploads:
        extension, media = _sniff_any(upload, field, allowed_media)
        name = str(getattr(upload, "name", "") or f"file.{extension}")[:255]
        if media == Media.IMAGE:
            data = reencode_image(upload, extension, field)
            content: File = ContentFile(data)
            size = len(data)
            digest = hashlib.sha256(data).hexdigest()
        else:
            hasher = hashlib.sha256()
            upload.seek(0)
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                hasher.update(chunk)
            upload.seek(0)
            content = File(upload)
            size = upload.size
            digest = hasher.hexdigest()
        prepared.append(Prepared(name=name, media=media, extension=extension, content=content, size=size,
                                 sha256=digest))
    return prepared

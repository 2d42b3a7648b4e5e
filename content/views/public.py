"""The residents' page of a village (居村): its published items, no sign-in, nothing personal, cacheable.

Rendered without the request (no session, no user, no CSRF token), so the answer is the same for every visitor and
can sit in any cache for a few minutes; a constant number of queries whatever the page size."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from shequyun.paging import paginate

from .. import selectors
from .common import file_response

MAX_AGE = 300
PAGE_SIZE = 20


def _page(template: str, context: dict) -> HttpResponse:
    context = {**context, "PORTAL_OPERATOR": settings.PORTAL_OPERATOR,
               "PORTAL_SUPPORT_PHONE": settings.PORTAL_SUPPORT_PHONE,
               "PORTAL_SUPPORT_EMAIL": settings.PORTAL_SUPPORT_EMAIL}
    response = HttpResponse(render_to_string(template, context))
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_GET
def public_village(request: HttpRequest, code: str) -> HttpResponse:
    village = selectors.public_village(code)
    page = paginate(request, selectors.public_items(village), per_page=PAGE_SIZE)["page"]
    items = list(page.object_list)
    images = selectors.public_images(items)
    rows = [{"item": item, "images": images.get(item.pk, [])[:3]} for item in items]
    response = _page("content/public_village.html", {"village": village, "page": page, "rows": rows,
                                                     "trail": village.path})
    if items:
        response["Last-Modified"] = http_date(max(i.updated_at for i in items).timestamp())
    return response


@require_GET
def public_item(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    village = selectors.public_village(code)
    item = selectors.public_item(village, pk)
    images = selectors.public_images([item]).get(item.pk, [])
    files = [f for f in selectors.item_attachments(item)]
    return _page("content/public_item.html", {"village": village, "item": item, "images": images, "files": files})


@require_GET
def public_file(request: HttpRequest, code: str, item: int, pk: int) -> HttpResponse:
    village = selectors.public_village(code)
    row = selectors.public_attachment(village, item, pk)
    response = file_response(row.file, filename=row.name, extension=row.extension, inline_image=row.media == "image")
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response

"""Page-numbered lists, written once for every HTML list (DESIGN §11: lists never silently cut; the true count and
page numbers, filters kept in the URL). Templates include ``partials/pagination.html`` with the returned context."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def paginate(request: HttpRequest, queryset: Any, *, per_page: int = PER_PAGE, param: str = "page") -> dict[str, Any]:
    """``{"page", "page_range", "querystring", "page_param"}`` for the template: the requested page (out-of-range
    and junk numbers give the nearest real page), an elided range of page numbers, and the other query parameters
    so that filters survive paging."""
    page: Page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    params.pop("export", None)
    return {
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "querystring": params.urlencode(),
        "page_param": param,
    }

"""Finding a region without knowing its code: a district → street → village cascade, written once for every region
filter (scenario inventory, account list, audit trail, …).

The form carries ONE value, ``<name>=<12-digit code>`` (a hidden input), so the filters, the API and the URLs keep
their meaning; the selects only choose it. Each select lists the children of the level above, its "全部" choice
standing for that level itself, so every select's value is a region code. Choosing one asks the server (htmx) for
the cascade of that code, which replaces the fieldset (htmx keeps the focus on the select with the same id). Only
regions in the viewer's own subtree are offered (``Region.objects.visible_to``); an unknown or outside code shows
the viewer's own region, like every region filter treats it.

In a template: ``{% region_cascade "region" value %}`` (``shequyun/templatetags/portal.py``)."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

LEVEL_WORDS = {"city": _("市"), "district": _("区"), "street": _("街道/乡镇"), "village": _("居/村委")}
FIELD_NAME = re.compile(r"^[a-z_]{1,30}$")


def _region_model() -> Any:
    return apps.get_model("accounts", "Region")


def _root(user: Any) -> Any:
    region_model = _region_model()
    if getattr(user, "is_superuser", False) or getattr(user, "region_id", None) is None:
        return region_model.objects.filter(parent__isnull=True).first()
    return user.region


def cascade_context(user: Any, *, name: str, value: str = "", label: Any = None) -> dict[str, Any]:
    """The selects for ``value`` (a region code) under the viewer's root: three queries at any depth."""
    region_model = _region_model()
    root = _root(user)
    if root is None:
        return {"name": name, "levels": [], "value": "", "label": label or _("区域")}
    chosen = None
    if value:
        chosen = region_model.objects.visible_to(user).filter(code=value, path__startswith=root.path).first()
    chosen = chosen or root
    chain_codes = [c for c in chosen.path.strip("/").split("/") if c]
    root_index = chain_codes.index(root.code) if root.code in chain_codes else 0
    chain_codes = chain_codes[root_index:]
    chain = {r.code: r for r in region_model.objects.filter(code__in=chain_codes)}
    ordered = [chain[c] for c in chain_codes if c in chain]
    children: dict[int, list[Any]] = {}
    for child in region_model.objects.filter(parent__in=ordered).order_by("code").only(
            "id", "code", "name", "level", "parent_id", "is_placeholder"):
        children.setdefault(child.parent_id, []).append(child)
    levels = []
    for index, parent in enumerate(ordered):
        options = children.get(parent.pk, [])
        if not options:
            break
        selected = ordered[index + 1].code if index + 1 < len(ordered) else parent.code
        level = options[0].level
        levels.append({
            "id": f"{name}-{level}", "label": LEVEL_WORDS.get(level, level), "parent": parent,
            "options": options, "selected": selected,
        })
    return {"name": name, "levels": levels, "value": "" if chosen == root else chosen.code,
            "chosen": chosen, "root": root, "label": label or _("区域")}


@login_required
def region_cascade(request: HttpRequest) -> HttpResponse:
    """htmx: the cascade for the code chosen in one of its selects (``?field=<name>&<name>-pick=<code>``)."""
    name = request.GET.get("field", "region")
    if not FIELD_NAME.match(name):
        name = "region"
    value = request.GET.get("pick", "")
    value = value if re.fullmatch(r"\d{12}", value or "") else ""
    label = request.GET.get("label", "")[:20] or None
    return render(request, "partials/region_cascade.html", cascade_context(request.user, name=name, value=value,
                                                                           label=label))

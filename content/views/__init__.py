"""Pages of the content module (thin: every write is one service call)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import permissions, selectors
from ..models import Status
from .config import chain_detail, chain_list, chain_new, lexicon
from .feedback import feedback_act, feedback_detail, feedback_list, feedback_new
from .items import attachment, item_act, item_detail, item_diff, item_edit, item_list, item_new, review_record
from .public import public_file, public_item, public_village
from .review import review, review_queue
from .training import training_detail, training_file, training_list, training_new, training_read, training_remind


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The module's home: what waits on me, my unit's items by status, feedback counts per level."""
    user = request.user
    panel = selectors.home_panel(user=user) if user.region_id else {}
    return render(request, "content/index.html", {
        "panel": panel,
        "item_counts": [(value, label, panel.get("item_counts", {}).get(value, 0)) for value, label in Status.choices],
        "can_author": user.region is not None and permissions.may_author(user, user.region),
        "can_lexicon": permissions.may_edit_lexicon(user),
        "public_code": user.region.code if user.region_id and user.region.level == "village" else None,
    })


__all__ = [
    "attachment", "chain_detail", "chain_list", "chain_new", "feedback_act", "feedback_detail", "feedback_list",
    "feedback_new", "index", "item_act", "item_detail", "item_diff", "item_edit", "item_list", "item_new", "lexicon",
    "public_file", "public_item", "public_village", "review", "review_queue", "review_record", "training_detail",
    "training_file", "training_list", "training_new", "training_read", "training_remind",
]

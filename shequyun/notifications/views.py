from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shequyun.http import post_only
from shequyun.redirects import redirect_next

from ..paging import paginate
from .models import Notification
from .services import notification_mark_read


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    queryset = Notification.objects.for_user(request.user)
    if request.GET.get("unread") == "1":
        queryset = queryset.unread()
    page = paginate(request, queryset, per_page=30)["page"]
    unread_only = request.GET.get("unread") == "1"
    return render(request, "notifications/inbox.html",
                  {"page": page, "unread_only": unread_only, "querystring": "unread=1" if unread_only else ""})


@post_only
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    notification_mark_read(user=request.user, notification_ids=ids or None)
    return redirect_next(request, "notifications:inbox")

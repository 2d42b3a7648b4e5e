"""Django admin: read-only views of the data-assets records. Every write goes through dataassets/services (the pages
and the API), so the admin neither adds, changes nor deletes."""

from django.contrib import admin

from .models import Objection, QualityIssue, Resource, ResourceVersion, SharingRequest


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "provider", "catalogue", "status", "version"]
    list_filter = ["status", "catalogue", "sharing_type", "open_type"]
    search_fields = ["code", "name"]


@admin.register(ResourceVersion)
class ResourceVersionAdmin(ReadOnlyAdmin):
    list_display = ["resource", "number", "published_by", "published_at"]


@admin.register(SharingRequest)
class SharingRequestAdmin(ReadOnlyAdmin):
    list_display = ["resource", "requester_org", "status", "expires_on"]
    list_filter = ["status"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["resource", "kind", "status", "received_on", "mark_due", "decide_due", "department_due"]
    list_filter = ["status", "kind"]


@admin.register(QualityIssue)
class QualityIssueAdmin(ReadOnlyAdmin):
    list_display = ["resource", "provider", "kind", "status", "detected_on"]
    list_filter = ["status", "kind"]

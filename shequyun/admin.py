from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, WorkdayOverride
from .workdays import override_delete, override_save


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note", "creator"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    readonly_fields = ["creator"]
    exclude = ["created_by"]

    @admin.display(description=_("创建人"))
    def creator(self, obj):  # type: ignore[no-untyped-def]  # the field has no Chinese verbose name
        return obj.created_by.display_name if obj.created_by else "—"

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        override_save(actor=request.user, override=obj)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for override in queryset:
            override_delete(actor=request.user, override=override)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits the audit trail."""

    list_display = ["created_at", "event_type", "actor_username", "target_repr", "ip_address"]
    list_filter = ["event_type"]
    search_fields = ["actor_username", "target_repr"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

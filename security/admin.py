"""Read-only admin views of the security records: every write goes through security/services/ (the pages and the
API), so the admin never saves a domain object itself."""

from django.contrib import admin

from .models import (
    Assessment,
    ConfidentialityAgreement,
    Drill,
    EmergencyPlan,
    Incident,
    IncidentCategory,
    PlanVersion,
    Training,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "suggested_grade", "grade", "region", "is_drill", "created_at"]
    list_filter = ["status", "grade", "is_drill"]


@admin.register(IncidentCategory)
class IncidentCategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "parent", "is_active"]


for model in (EmergencyPlan, PlanVersion, Drill, Training, Assessment, ConfidentialityAgreement):
    admin.site.register(model, ReadOnlyAdmin)

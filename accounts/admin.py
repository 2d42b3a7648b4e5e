"""Django admin for the bootstrap superuser: reference data is read-only here (it comes from the loader); every
save and delete is a call into accounts/services/ (the write contract, tests/test_write_contract.py)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm

from .models import Organisation, Region, User
from .permissions import roles_allowed
from .services.accounts import admin_user_save
from .services.regions import organisation_delete, organisation_save, region_update_population


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "is_placeholder"]
    list_filter = ["level", "is_placeholder"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "name", "level", "parent", "path", "depth", "is_placeholder"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        region_update_population(actor=request.user, region=obj, households=obj.households, population=obj.population)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "region__name"]
    raw_id_fields = ["region"]

    def save_model(self, request, obj, form, change):
        organisation_save(actor=request.user, organisation=obj)

    def delete_model(self, request, obj):
        organisation_delete(actor=request.user, organisation=obj)

    def delete_queryset(self, request, queryset):
        for organisation in queryset:
            organisation_delete(actor=request.user, organisation=organisation)


class UserAdminForm(UserChangeForm):
    """The Django admin obeys the same role rules as every other channel (三员分立, no village admins)."""

    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        region = cleaned.get("region") or getattr(self.instance, "region", None)
        if groups is not None and region is not None:
            problem = roles_allowed(region=region, roles={g.name for g in groups})
            if problem:
                self.add_error("groups", problem)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminForm
    list_display = ["username", "full_name", "region", "organisation", "is_active"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["region", "organisation"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("社区云", {"fields": ("full_name", "organisation", "region", "must_change_password", "font_scale")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # disabling never deletes (DESIGN §3)

    def save_model(self, request, obj, form, change):
        admin_user_save(actor=request.user, user=obj)

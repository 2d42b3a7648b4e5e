"""Admin views of content: read-only (every write goes through content/services), except the lexicon, whose
admin saves through the lexicon service."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ContentItem, Feedback, ReviewChain, SensitiveWord, TrainingMaterial


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContentItem)
class ContentItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "region", "audience", "publish_at", "expire_at"]
    list_filter = ["status", "kind"]
    search_fields = ["title"]


@admin.register(ReviewChain)
class ReviewChainAdmin(ReadOnlyAdmin):
    list_display = ["region", "editor", "edited"]

    @admin.display(description=_("更新人"))
    def editor(self, obj):  # the fields have no Chinese verbose names
        return obj.updated_by.display_name if obj.updated_by else "—"

    @admin.display(description=_("更新时间"), ordering="updated_at")
    def edited(self, obj):
        return obj.updated_at


@admin.register(TrainingMaterial)
class TrainingMaterialAdmin(ReadOnlyAdmin):
    list_display = ["title", "region", "created_at"]


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ["title", "status", "region", "handler_region", "due_date"]
    list_filter = ["status", "kind"]


@admin.register(SensitiveWord)
class SensitiveWordAdmin(admin.ModelAdmin):
    list_display = ["word", "severity", "note"]
    list_filter = ["severity"]
    search_fields = ["word"]
    fields = ["word", "severity", "note"]

    def save_model(self, request, obj, form, change):
        services.word_save(actor=request.user, word=obj.word, severity=obj.severity, note=obj.note)

    def delete_model(self, request, obj):
        services.word_remove(actor=request.user, word_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for word in queryset:
            services.word_remove(actor=request.user, word_id=word.pk)

    def _lexicon_keeper(self, request) -> bool:
        from .permissions import may_edit_lexicon

        return may_edit_lexicon(request.user)

    def has_add_permission(self, request):
        return self._lexicon_keeper(request)

    def has_change_permission(self, request, obj=None):
        return self._lexicon_keeper(request)

    def has_delete_permission(self, request, obj=None):
        return self._lexicon_keeper(request)

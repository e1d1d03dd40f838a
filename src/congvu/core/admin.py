from django.contrib import admin

from . import audit
from .models import AuditEvent, CalendarDay, StoredFile
from .selectors import invalidate_calendar


class AuditedAdmin(admin.ModelAdmin):
    """Admin whose saves and deletes write audit events with before/after values."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk:
            old = type(obj).objects.filter(pk=obj.pk).first()
            before = audit.snapshot(old) if old else {}
        super().save_model(request, obj, form, change)
        audit.record(action=f"admin.{'change' if change else 'add'}", actor=request.user, obj=obj,
                     changes=audit.diff(before, audit.snapshot(obj)))

    def delete_model(self, request, obj):
        audit.record(action="admin.delete", actor=request.user, obj=obj,
                     changes=audit.diff(audit.snapshot(obj), {}))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_repr", "from_state", "to_state", "ip")
    list_filter = ("action", "content_type")
    search_fields = ("actor_label", "object_repr", "note", "object_id")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ("date", "kind", "name", "legal_basis")
    list_filter = ("kind",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        invalidate_calendar()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        invalidate_calendar()


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ("sha256", "content_type", "size", "created_at")
    readonly_fields = ("sha256", "content_type", "size", "storage_name", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

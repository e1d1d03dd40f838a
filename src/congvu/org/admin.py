from django.contrib import admin

from congvu.core.admin import AuditedAdmin

from .models import Agency, Position, Role, Room, Staff, Unit


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "code", "kind", "parent", "valid_from", "valid_to",
                    "exempt_from_onsite_limits")
    list_filter = ("kind", "exempt_from_onsite_limits")
    search_fields = ("name", "short_name", "code")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("successors",)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "code", "agency", "is_one_stop_desk")
    list_filter = ("is_one_stop_desk",)
    search_fields = ("name", "code", "agency__name")
    autocomplete_fields = ("agency", "parent")


@admin.register(Room)
class RoomAdmin(AuditedAdmin):
    list_display = ("code", "name", "building", "capacity", "agency")
    search_fields = ("code", "name", "agency__name")
    autocomplete_fields = ("agency",)


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ("name", "code", "is_leader", "rank")


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("name", "code")


@admin.register(Staff)
class StaffAdmin(AuditedAdmin):
    list_display = ("__str__", "employee_code", "agency", "unit", "position", "is_active")
    list_filter = ("is_active", "roles")
    search_fields = ("user__full_name", "user__username", "employee_code")
    autocomplete_fields = ("user", "agency", "unit", "room")
    filter_horizontal = ("roles",)

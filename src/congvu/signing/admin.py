"""Admin: read-only views of credentials and verification reports (changes go through the pages)."""

from django.contrib import admin

from .models import Credential, VerificationReport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Credential)
class CredentialAdmin(ReadOnlyAdmin):
    list_display = ("label", "agency", "staff", "backend", "cert_common_name", "cert_not_after", "is_active",
                    "is_demo")
    list_filter = ("backend", "is_active", "is_demo")
    search_fields = ("label", "cert_common_name", "cert_serial")


@admin.register(VerificationReport)
class VerificationReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "file_name", "verdict", "signature_count", "agency", "uploaded_by")
    list_filter = ("ok", "verdict_code")
    search_fields = ("sha256", "file_name")

from django.contrib import admin

from .models import CalendarKey


@admin.register(CalendarKey)
class CalendarKeyAdmin(admin.ModelAdmin):
    """Only the digest is kept: an administrator can remove a key (its addresses stop
    working), not read one."""

    list_display = ["user", "created_at"]
    readonly_fields = ["user", "digest", "created_at"]
    search_fields = ["user__username", "user__email"]

    def has_add_permission(self, request):
        return False

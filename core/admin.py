"""Admin helpers every app uses."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """A record's *History* button shows its trail of changes (django-simple-history: who,
    when, through which channel, each field's values) for the records that keep one, and
    Django's own admin log for the others. The trail is read only (reverting is turned off)."""

    def history_view(self, request, object_id, extra_context=None):
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)


class ReadOnlyAdmin(HistoryAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

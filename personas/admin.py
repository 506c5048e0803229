from django.contrib import admin

from core.admin import HistoryAdmin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "program", "role", "since", "until"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "program__name"]
    list_select_related = ["user", "program"]
    autocomplete_fields = ["program", "user"]

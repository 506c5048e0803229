from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "since", "until"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "program__name"]
    list_select_related = ["user", "program"]
    autocomplete_fields = ["program", "user"]

from django import template

from calendars.selectors import calendar_key_of

register = template.Library()


@register.inclusion_tag("calendars/_profile_section.html", takes_context=True)
def calendar_section(context):
    """The profile page's section on calendar feeds (whether the person has an address yet)."""
    user = context["request"].user
    return {"calendar_key": calendar_key_of(user=user), "csrf_token": context.get("csrf_token")}

"""Money in templates: `{{ amount|money:program.currency }}` → “KES 1,250,000”;
`{% money_usd amount currency usd %}` → “KES 1,250,000 (≈ USD 9,650)”."""

from django import template

from core.money import approximate, format_amount, format_money, format_money_with_usd

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    if not currency:
        return format_amount(amount)
    return format_money(amount, currency)


@register.filter
def amount(value) -> str:
    """A number with grouped digits, cents only when there are any."""
    return format_amount(value)


@register.filter
def approx(value):
    """Three significant figures, for amounts shown after “≈”."""
    if value is None or value == "":
        return value
    return approximate(value)


@register.filter
def unsigned(value):
    """The size of a number without its sign: a shortfall is shown as “over by 5,000”."""
    if value is None or value == "":
        return value
    return abs(value)


@register.simple_tag
def money_usd(amount, currency: str, usd=None) -> str:
    return format_money_with_usd(amount, currency, usd)

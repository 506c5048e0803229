"""ISO 4217 currency codes (from pycountry), for validation and form choices."""

from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def currency_choices() -> list[tuple[str, str]]:
    return sorted((c.alpha_3, f"{c.alpha_3} — {c.name}") for c in pycountry.currencies)


@cache
def _codes() -> frozenset[str]:
    return frozenset(code for code, _label in currency_choices())


def validate_currency_code(value: str) -> None:
    if value not in _codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (for example KES, UGX, XOF, USD)."),
            code="invalid_currency",
            params={"value": value},
        )

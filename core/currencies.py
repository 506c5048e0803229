"""ISO 4217 currency codes (from pycountry), for validation and form choices; the currencies'
names in the reader's language (pycountry's own iso4217 catalogues)."""

import gettext
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def currency_choices() -> list[tuple[str, str]]:
    """(code, “KES — Kenyan Shilling”) for every currency, named in the active language."""
    return _choices((translation.get_language() or "en").split("-")[0])


@cache
def _choices(language: str) -> list[tuple[str, str]]:
    try:
        names = gettext.translation("iso4217", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        names = gettext.NullTranslations()
    return sorted(
        (currency.alpha_3, f"{currency.alpha_3} — {names.gettext(currency.name)}")
        for currency in pycountry.currencies
    )


@cache
def _codes() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


def validate_currency_code(value: str) -> None:
    if value not in _codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (for example KES, UGX, XOF, USD)."),
            code="invalid_currency",
            params={"value": value},
        )

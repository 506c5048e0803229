"""Money: amounts are `Decimal` in an ISO 4217 currency; US dollars are the common unit.

`to_usd` is the one conversion used wherever money is totalled across programs or currencies.
It uses the admin-kept `ExchangeRate` in force on the date of the amount: the rate with the
latest effective date on or before that date. A `RateTable` loads the rates once (one query), so
converting many amounts makes no further queries."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

USD = "USD"


CENT = Decimal("0.01")


def approximate(amount: Decimal) -> Decimal:
    """Round to three significant figures (whole units at least): 9,652.51 → 9,650."""
    amount = Decimal(amount)
    if amount == 0:
        return Decimal(0)
    digits = amount.copy_abs().adjusted() + 1  # digits before the decimal point
    exponent = max(digits - 3, 0)
    return amount.scaleb(-exponent).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(exponent)


def format_amount(amount: Decimal | int | None) -> str:
    """Grouped digits in the active language; cents only when there are any."""
    if amount is None:
        return "—"
    amount = Decimal(amount)
    places = 0 if amount == amount.to_integral_value() else 2
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_money(amount: Decimal | int | None, currency: str) -> str:
    """“KES 1,250,000”, “KES 1,250.50”."""
    if amount is None:
        return "—"
    return f"{currency} {format_amount(amount)}"


def format_money_with_usd(amount: Decimal | None, currency: str, usd: Decimal | None) -> str:
    """“KES 1,250,000 (≈ USD 9,650)”; the USD part only when it helps and is known."""
    text = format_money(amount, currency)
    if usd is None or amount is None or currency.upper() == USD:
        return text
    return f"{text} (≈ USD {format_amount(approximate(usd))})"

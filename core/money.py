"""Money: amounts are `Decimal` in an ISO 4217 currency; US dollars are the common unit.

`to_usd` is the one conversion used wherever money is totalled across programs or currencies.
It uses the admin-kept `ExchangeRate` in force on the date of the amount: the rate with the
latest effective date on or before that date. A `RateTable` loads the rates once (one query), so
converting many amounts makes no further queries."""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

USD = "USD"
CENT = Decimal("0.01")


class RateTable:
    """Exchange rates by currency and effective date, as units of the currency per US dollar."""

    def __init__(self, rows: Iterable[tuple[str, datetime.date, Decimal]] = ()):
        by_currency: dict[str, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
        for currency, effective_date, units_per_usd in rows:
            by_currency[currency.upper()].append((effective_date, units_per_usd))
        self._dates: dict[str, list[datetime.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for currency, entries in by_currency.items():
            entries.sort()
            self._dates[currency] = [entry[0] for entry in entries]
            self._rates[currency] = [entry[1] for entry in entries]

    @classmethod
    def load(cls, currencies: Iterable[str] | None = None) -> RateTable:
        """Every rate (of `currencies` only, when given) in one query."""
        from plan.budget.models import ExchangeRate

        rates = ExchangeRate.objects.all()
        if currencies is not None:
            rates = rates.filter(currency__in={code.upper() for code in currencies})
        return cls(rates.values_list("currency", "effective_date", "units_per_usd"))

    def periods(self) -> list[tuple[str, datetime.date, datetime.date | None]]:
        """(currency, first day, day after the last or None) of every rate's period of force."""
        return [
            (currency, start, dates[index + 1] if index + 1 < len(dates) else None)
            for currency, dates in self._dates.items()
            for index, start in enumerate(dates)
        ]

    def units_per_usd(self, currency: str, on: datetime.date) -> Decimal | None:
        """How many units of `currency` buy one US dollar on `on`; None when no rate is known."""
        currency = currency.upper()
        if currency == USD:
            return Decimal(1)
        dates = self._dates.get(currency)
        if not dates:
            return None
        index = bisect.bisect_right(dates, on)
        if index == 0:
            return None
        return self._rates[currency][index - 1]


def to_usd(
    amount: Decimal, currency: str, on: datetime.date, *, rates: RateTable | None = None
) -> Decimal | None:
    """`amount` of `currency` in US dollars at the rate in force on `on`, rounded to the cent.

    None when no rate for the currency takes effect on or before `on`."""
    if rates is None:
        rates = RateTable.load([currency])
    rate = rates.units_per_usd(currency, on)
    if rate is None:
        return None
    return (Decimal(amount) / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def from_usd(
    amount: Decimal, currency: str, on: datetime.date, *, rates: RateTable | None = None
) -> Decimal | None:
    """US dollars in `currency` at the rate in force on `on`, rounded to the cent."""
    if rates is None:
        rates = RateTable.load([currency])
    rate = rates.units_per_usd(currency, on)
    if rate is None:
        return None
    return (Decimal(amount) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class UsdTotal:
    """A total in US dollars, with what could not be converted (currency, date)."""

    total: Decimal = Decimal("0.00")
    missing: list[tuple[str, datetime.date]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def usd_total(
    items: Iterable[tuple[Decimal, str, datetime.date]], *, rates: RateTable | None = None
) -> UsdTotal:
    """The sum in US dollars of (amount, currency, date) items, each at the rate of its date."""
    items = list(items)
    if rates is None:
        rates = RateTable.load({currency for _amount, currency, _on in items})
    result = UsdTotal()
    for amount, currency, on in items:
        usd = to_usd(amount, currency, on, rates=rates)
        if usd is None:
            result.missing.append((currency.upper(), on))
        else:
            result.total += usd
    return result


#: Any day will do to convert US dollars (their rate is always 1).
_USD_DAY = datetime.date(2000, 1, 1)


def rate_day(rates: RateTable, *, currency: str, date: str):
    """A database expression: the day whose rate converts a row's amount (`currency` and `date`
    name the row's fields). It is the first day of the rate in force on the row's date, so rows
    summed per (currency, rate day) in the database are converted with one `to_usd` per sum, at
    exactly the rate each amount would get alone. Rows with no rate keep their own date, and
    `to_usd` reports them as missing."""
    from django.db.models import Case, DateField, F, Q, Value, When

    whens = [When(**{currency: USD}, then=Value(_USD_DAY))]
    for code, start, end in rates.periods():
        condition = Q(**{currency: code, f"{date}__gte": start})
        if end is not None:
            condition &= Q(**{f"{date}__lt": end})
        whens.append(When(condition, then=Value(start)))
    return Case(*whens, default=F(date), output_field=DateField())


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

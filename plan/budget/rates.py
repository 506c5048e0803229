"""Exchange rates: amounts in any currency to US dollars and back, at the rate of their date.

Pure functions over a `RateTable` built from the admin's exchange rates in one query
(`plan.budget.selectors.exchange_rates`)."""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from core.money import CENT, USD


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
    amount: Decimal, currency: str, on: datetime.date, *, rates: RateTable
) -> Decimal | None:
    """`amount` of `currency` in US dollars at the rate in force on `on`, rounded to the cent.

    None when no rate for the currency takes effect on or before `on`."""
    rate = rates.units_per_usd(currency, on)
    if rate is None:
        return None
    return (Decimal(amount) / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def from_usd(
    amount: Decimal, currency: str, on: datetime.date, *, rates: RateTable
) -> Decimal | None:
    """US dollars in `currency` at the rate in force on `on`, rounded to the cent."""
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


def usd_total(items: Iterable[tuple[Decimal, str, datetime.date]], *, rates: RateTable) -> UsdTotal:
    """The sum in US dollars of (amount, currency, date) items, each at the rate of its date."""
    items = list(items)
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

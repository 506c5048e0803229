"""Pagination whose cost does not grow with the table: a page costs its offset, so the pages
stop at `max_pages` (the first 1,000 rows by default), and counting stops there too. Past the
bound the page says there are more rows and asks to narrow the filters."""

from functools import cached_property

from django.core.paginator import Paginator

#: Pages a list offers at most (× its page size rows).
MAX_PAGES = 40


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, max_pages: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.max_pages = max_pages or MAX_PAGES

    @cached_property
    def limit(self) -> int:
        return self.max_pages * self.per_page

    @cached_property
    def _counted(self) -> int:
        """Rows, counted up to one past the bound (`COUNT(*)` over a `LIMIT` subquery)."""
        rows = self.object_list[: self.limit + 1]
        return len(rows) if isinstance(rows, list | tuple) else rows.count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.limit)

    @property
    def truncated(self) -> bool:
        """True when there are more rows than the pages show."""
        return self._counted > self.limit

"""Pages of long lists whose total is counted exactly up to COUNT_LIMIT rows, and estimated above.

Counting every row a list matches costs as much as reading them: at the scale of every ASEAN
work plan (261,000 reports) the total was most of the time of a page of the report lists, and it
grew with the table while the page did not (issue 14). Like search engines and GitLab's API, the
lists count up to a limit; above it the total is PostgreSQL's estimate of the query's rows, the
number EXPLAIN gives (other databases count on). Only the total is approximate: a page is read
with one row more, which says whether a next page exists, and a page past the last is still
refused (EmptyPage).
"""

import json

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class EstimatingPaginator(Paginator):
    """Django's Paginator, with ``count`` estimated above ``count_limit`` (``count_is_exact``
    says which) and, in that case, pages that know their next page without the total."""

    count_limit = COUNT_LIMIT

    @property
    def count(self):
        return self._total[0]

    @property
    def count_is_exact(self):
        return self._total[1]

    @cached_property
    def _total(self):
        """(total, exact). One query: a count that stops after ``count_limit + 1`` rows; plus
        an EXPLAIN above that."""
        rows = self.object_list
        if not hasattr(rows, "query") or connections[rows.db].vendor != "postgresql":
            return super().count, True
        # Without the list's order: sorting every matching row to count the first ones would
        # read them all (a sliced count keeps the ORDER BY in its subquery).
        counted = rows.order_by()[: self.count_limit + 1].count()
        if counted <= self.count_limit:
            return counted, True
        return max(estimated_rows(rows), counted), False

    def validate_number(self, number):
        if self.count_is_exact:
            return super().validate_number(number)
        # The last page is not known: a page past it is found empty when it is read (page()).
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if self.count_is_exact:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        has_next = len(rows) > self.per_page
        return OpenEndedPage(rows[: self.per_page], number, self, has_next=has_next)

    def get_page(self, number):
        """Django's forgiving page (a bad number gives the first, one past the end the last);
        past the end of an estimated list, the last page needs the exact total, counted then."""
        try:
            return super().get_page(number)
        except EmptyPage:
            self.__dict__["_total"] = (super().count, True)
            self.__dict__.pop("num_pages", None)
            return super().page(self.num_pages)


class CountedRows:
    """Rows (a queryset) whose total is already known, such as a cached figure: a paginator
    takes the total from ``count`` and reads only the page's slice."""

    def __init__(self, rows, total):
        self.rows = rows
        self.total = total

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        return self.rows[index]


class OpenEndedPage(Page):
    """A page of a list whose total is estimated: whether a next page exists is known from the
    rows read, not from the total."""

    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def end_index(self):
        return self.start_index() + len(self) - 1


def estimated_rows(queryset):
    """PostgreSQL's estimate of the rows ``queryset`` returns (from statistics; no row is read)."""
    compiler = queryset.order_by().query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])

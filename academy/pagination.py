"""The one pagination helper: a page of a SELECT plus the GOV.UK pagination component's params."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from sqlalchemy import func, select


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)

    def govuk_params(self, endpoint: str, **args) -> dict:
        """Params for govukPagination, keeping the current filters in each link."""
        query = {k: v for k, v in request.args.items() if k != "page"}
        query.update(args)

        def link(number: int) -> str:
            return url_for(endpoint, **{**query, "page": number})

        params: dict = {"items": []}
        if self.page > 1:
            params["previous"] = {"href": link(self.page - 1)}
        if self.page < self.pages:
            params["next"] = {"href": link(self.page + 1)}
        for number in range(1, self.pages + 1):
            if number in (1, self.pages) or abs(number - self.page) <= 1:
                params["items"].append({"number": number, "href": link(number), "current": number == self.page})
            elif params["items"] and not params["items"][-1].get("ellipsis"):
                params["items"].append({"ellipsis": True})
        return params


def requested_page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def paginate(session, statement, page: int, per_page: int) -> Page:
    """Run `statement` for one page (two queries: the count and the rows)."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    last_page = max(1, -(-total // per_page))
    page = max(1, min(page, last_page))  # ?page=-1 or 0 is the first page, past the end the last
    items = list(session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)

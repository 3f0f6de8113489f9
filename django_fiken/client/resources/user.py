"""The user behind the token and the companies it can reach (not bound to a company)."""

from __future__ import annotations

from typing import Unpack

from ..endpoints import GetCompaniesQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import Company, UserInfo
from .base import Resource, operation


class UserResource(Resource):
    """``/user``: who the token belongs to."""

    @operation("getUser")
    def get(self) -> UserInfo:
        return self._get("getUser")


class CompaniesResource(Resource):
    """``/companies``: every company the token may use."""

    @operation("getCompanies")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetCompaniesQuery]
    ) -> Paginated[Company]:
        return self._list("getCompanies", filters, page_size=page_size)

    @operation("getCompany")
    def get(self, company_slug: str) -> Company:
        return self._get("getCompany", companySlug=company_slug)

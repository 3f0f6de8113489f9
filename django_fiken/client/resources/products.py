"""Products and the product sales report."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..endpoints import GetProductsQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import Product, ProductSalesReportRequest, ProductSalesReportResult
from .base import CompanyResource, operation


class Products(CompanyResource):
    """``/products``."""

    @operation("getProducts")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetProductsQuery]
    ) -> Paginated[Product]:
        return self._list("getProducts", filters, page_size=page_size)

    @operation("getProduct")
    def get(self, product_id: int) -> Product:
        return self._get("getProduct", productId=product_id)

    @operation("createProduct")
    def create(self, product: Product) -> int:
        """Create a product; returns its ``productId``."""
        return self._create("createProduct", product)

    @operation("updateProduct")
    def update(self, product_id: int, product: Product) -> None:
        self._update("updateProduct", product, productId=product_id)

    @operation("deleteProduct")
    def delete(self, product_id: int) -> None:
        self._delete("deleteProduct", productId=product_id)

    @operation("createProductSalesReport")
    def sales_report(
        self, request: ProductSalesReportRequest
    ) -> builtins.list[ProductSalesReportResult]:
        """Sales per product for a period (a read: safe to retry)."""
        return self._json("createProductSalesReport", request)

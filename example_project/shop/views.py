"""The shop's one page: what the demo has, and where to go next."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from example_project.shop.models import Customer, Order, PaymentStatus


def home(request: HttpRequest) -> HttpResponse:
    """Counts and links, so someone opening the demo knows where to look."""
    return render(
        request,
        "shop/home.html",
        {
            "customers": Customer.objects.count(),
            "orders": Order.objects.count(),
            "paid_orders": Order.objects.filter(payment_status=PaymentStatus.PAID).count(),
            "recent_orders": Order.objects.select_related("customer")[:5],
        },
    )

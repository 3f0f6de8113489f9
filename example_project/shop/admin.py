"""Admin for the shop's own models; Fiken's mirrors and jobs have django_fiken's admin."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from django_fiken import outbox
from django_fiken.models import FikenInvoice
from example_project.shop.models import Customer, Order, OrderLine, Product, format_nok


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organization_number", "phone", "city"]
    search_fields = ["name", "email", "organization_number"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "vat_type", "active"]
    list_filter = ["vat_type", "active"]
    search_fields = ["name"]

    @admin.display(description="price (excl. VAT)", ordering="price_ore")
    def price(self, obj: Product) -> str:
        return format_nok(obj.price_ore)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 1
    fields = ["product", "description", "quantity", "unit_price_ore", "vat_type"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "order_date", "status", "payment_status", "total", "paid_on"]
    list_filter = ["status", "payment_status", "order_date"]
    search_fields = ["customer__name", "customer__email"]
    date_hierarchy = "order_date"
    inlines = [OrderLineInline]
    readonly_fields = ["payment_status", "paid_on", "fiken_invoice"]

    def save_related(self, request, form, formsets, change) -> None:
        """Push again once the lines are saved: the order's own save came before them."""
        super().save_related(request, form, formsets, change)
        outbox.enqueue_host_push(form.instance)

    @admin.display(description="total (excl. VAT)")
    def total(self, obj: Order) -> str:
        return format_nok(obj.net_total_ore())

    @admin.display(description="Fiken invoice")
    def fiken_invoice(self, obj: Order) -> str:
        """The order's invoice mirror, linked: where the operator finalizes, sends or credits."""
        invoice = FikenInvoice.objects.filter(host_key=obj.reference).first()
        if invoice is None:
            return "-"
        url = reverse("admin:django_fiken_fikeninvoice_change", args=[invoice.pk])
        return format_html('<a href="{}">{} ({})</a>', url, invoice, invoice.get_state_display())

"""The PayPal order payload, computed on the server from Oscar's basket and shipping charge.

Decimal only, quantized to the currency's exponent with ROUND_HALF_UP (0 decimals for HUF, JPY
and TWD). The breakdown is derived from the rounded parts, and any rounding difference against
Oscar's total goes into `handling` or `discount`, so PayPal's AMOUNT_MISMATCH and
ITEM_TOTAL_MISMATCH cannot happen and the PayPal total equals the Oscar order total to the cent.
"""

from decimal import ROUND_HALF_UP, Decimal

ZERO_DECIMAL_CURRENCIES = {"HUF", "JPY", "TWD"}


def smallest_unit(currency):
    """One cent, or one unit of a zero-decimal currency."""
    return Decimal("1") if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")


def quantize(amount, currency):
    return Decimal(amount).quantize(smallest_unit(currency), rounding=ROUND_HALF_UP)


def money(amount, currency):
    return {"currency_code": currency, "value": str(quantize(amount, currency))}


def purchase_unit(basket, shipping_charge, order_total, order_number, attempt_id, shipping_address=None):
    """One PayPal purchase unit whose amount is Oscar's order total, with an exact breakdown."""
    currency = order_total.currency
    items = []
    item_total = Decimal(0)
    for line in basket.all_lines():
        unit_price = quantize(line.unit_price_incl_tax, currency)
        item_total += unit_price * line.quantity
        items.append(
            {
                "name": (line.product.get_title() or line.product.upc or "Book")[:127],
                "sku": (line.product.upc or str(line.product_id))[:127],
                "quantity": str(line.quantity),
                "unit_amount": money(unit_price, currency),
                "category": "PHYSICAL_GOODS",
            }
        )
    shipping = quantize(shipping_charge.incl_tax, currency)
    total = quantize(order_total.incl_tax, currency)
    breakdown = {"item_total": money(item_total, currency), "shipping": money(shipping, currency)}
    difference = total - item_total - shipping  # offers, vouchers and rounding of 4-decimal prices
    if difference > 0:
        breakdown["handling"] = money(difference, currency)
    elif difference < 0:
        breakdown["discount"] = money(-difference, currency)
    unit = {
        "reference_id": "default",
        "invoice_id": order_number,
        "custom_id": str(attempt_id),
        "description": f"Folio Books order {order_number}",
        "amount": {"currency_code": currency, "value": str(total), "breakdown": breakdown},
        "items": items,
    }
    if shipping_address is not None:
        unit["shipping"] = {
            "type": "SHIPPING",
            "name": {"full_name": shipping_address.name[:300]},
            "address": {
                "address_line_1": shipping_address.line1[:300],
                "address_line_2": shipping_address.line2[:300],
                "admin_area_2": shipping_address.line4[:120],
                "admin_area_1": shipping_address.state[:300],
                "postal_code": shipping_address.postcode[:60],
                "country_code": shipping_address.country_id,
            },
        }
    return unit, total, currency

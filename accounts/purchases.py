""" "Buy again" from the purchase history: what is still for sale, capped at what is in stock."""

from dataclasses import dataclass, field


@dataclass
class BuyAgainResult:
    added: int = 0
    fewer: list = field(default_factory=list)  # titles added with fewer copies than ordered
    gone: list = field(default_factory=list)  # titles no longer for sale or out of stock


def buy_again(request, order):
    """Puts the order's books into the visitor's basket. A book no longer on sale (page taken
    down, product gone) or out of stock is left out; the copies are capped at the stock left
    after what the basket already holds (docs/design.md: never sell what is not there)."""
    basket, result = request.basket, BuyAgainResult()
    for line in order.lines.select_related("product"):
        product = line.product
        info = request.strategy.fetch_for_product(product) if product is not None else None
        if info is None or info.stockrecord is None or not info.availability.is_available_to_buy:
            result.gone.append(line.title)
            continue
        in_basket = basket.product_quantity(product) if basket.id else 0
        room = max((info.stockrecord.net_stock_level or 0) - in_basket, 0)
        quantity = min(line.quantity, room)
        if quantity <= 0:
            result.gone.append(line.title)
            continue
        if quantity < line.quantity:
            result.fewer.append(line.title)
        basket.add_product(product, quantity)
        result.added += quantity
    return result

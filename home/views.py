"""Site-wide error views of the shop shell."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. Cached pages carry no token, so a visitor without JavaScript (or with a
    stale page) lands here: for add-to-basket, ask to confirm with a fresh token; otherwise say
    what happened and how to go on, never a bare 403."""
    match = request.resolver_match or _resolve(request.path_info)
    if match is not None and match.view_name == "basket:add" and request.method == "POST":
        product = get_object_or_404(Product, pk=match.kwargs.get("pk"))
        book = getattr(product, "book_page", None)
        quantity = request.POST.get("quantity", "1")
        context = {
            "product": product,
            "title": book.title if book is not None else product.get_title(),
            "quantity": quantity if quantity.isdigit() else "1",
            "action": request.path,
        }
        return TemplateResponse(request, "home/confirm_add_to_basket.html", context).render()
    return TemplateResponse(request, "home/csrf_failure.html", {"reason": reason}, status=403).render()


def _resolve(path):
    try:
        return resolve(path)
    except Resolver404:
        return None

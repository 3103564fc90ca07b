"""Oscar's basket views, answering JSON to the AJAX basket (static/js/basket.js).

Without JavaScript nothing changes: plain POSTs redirect with flash messages as in Oscar.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from oscar.apps.basket import views
from oscar.core.ajax import FlashMessages
from oscar.core.utils import is_ajax
from oscar.templatetags.currency_filters import currency


def basket_summary(basket):
    """What the header count and the add-to-basket toast show."""
    lines = [
        {
            "title": line.product.get_title(),
            "url": line.product.get_absolute_url(),
            "quantity": line.quantity,
            "price": currency(line.line_price_incl_tax, basket.currency),
        }
        for line in basket.all_lines()
    ]
    return {
        "num_items": basket.num_items,
        "total": currency(basket.total_incl_tax, basket.currency) if basket.id else "",
        "lines": lines,
    }


class BasketAddView(views.BasketAddView):
    def form_invalid(self, form):
        if not is_ajax(self.request):
            return super().form_invalid(form)
        errors = [strip_tags(error) for field_errors in form.errors.values() for error in field_errors]
        return JsonResponse({"ok": False, "messages": errors}, status=400)

    def form_valid(self, form):
        response = super().form_valid(form)
        if not is_ajax(self.request):
            return response
        # The page stays put: hand the queued flash messages to the script instead of the next page.
        texts = [" ".join(strip_tags(str(message.message)).split()) for message in messages.get_messages(self.request)]
        return JsonResponse({"ok": True, "messages": texts, **basket_summary(self.request.basket)})


class BasketView(views.BasketView):
    def formset_invalid(self, formset):
        """Oscar's handling, with a plain warning instead of "Your basket has got some issues"."""
        if any(formset._should_delete_form(form) for form in formset.forms):
            return super().formset_invalid(formset)  # Oscar removes the deleted lines first
        flash_messages = FlashMessages()
        flash_messages.warning("Please check the quantities below.")
        if is_ajax(self.request):
            ctx = self.get_context_data(formset=formset, basket=self.request.basket)
            return self.json_response(ctx, flash_messages)
        flash_messages.apply_to_request(self.request)
        # The formset view's own rendering, past Oscar's override that would add its wording too.
        return super(views.BasketView, self).formset_invalid(formset)

    def json_response(self, ctx, flash_messages):
        """Oscar's basket HTML and messages, plus the count and total for the header."""
        content_html = render_to_string("oscar/basket/partials/basket_content.html", context=ctx, request=self.request)
        return JsonResponse(
            {"content_html": content_html, "messages": flash_messages.as_dict(), **basket_summary(self.request.basket)}
        )

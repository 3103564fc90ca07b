"""Oscar's order dashboard, refusing malformed posts with a message instead of a server error.

Oscar's own order page reads some fields as if its form always sent them (`D(None)` for a payment
event without an amount, `int(None)` for a line without a quantity, a KeyError for a line action
without a status). Staff tools, scripts and replayed requests do send such posts: each is answered
with the order page and a message, and nothing is changed.
"""

from oscar.apps.dashboard.orders import views

# Fields each action reads without a default.
REQUIRED_FIELDS = {
    "create_order_payment_event": ("amount", "payment_event_type"),
    "change_line_statuses": ("new_status",),
    "create_shipping_event": ("shipping_event_type",),
    "create_payment_event": ("payment_event_type",),
}


def malformed(post):
    """Why this post cannot be acted on, in plain words; "" when it can."""
    action = post.get("order_action") or post.get("line_action") or ""
    missing = [name for name in REQUIRED_FIELDS.get(action, ()) if not post.get(name, "").strip()]
    if missing:
        return f"Please fill in {', '.join(missing)}. Nothing was changed."
    if "line_action" in post:
        line_ids = post.getlist("selected_line")
        if not all(line_id.isdigit() for line_id in line_ids):
            return "Those order lines do not exist. Nothing was changed."
        if any(f"selected_line_qty_{line_id}" not in post for line_id in line_ids):
            return "Please give a quantity for every selected line. Nothing was changed."
    if post.get("order_action") == "delete_note" and not post.get("note_id", "").isdigit():
        return "That note does not exist. Nothing was changed."
    return ""


class OrderDetailView(views.OrderDetailView):
    def post(self, request, *args, **kwargs):
        problem = malformed(request.POST)
        if problem:
            self.object = self.get_object()
            return self.reload_page(error=problem)
        return super().post(request, *args, **kwargs)

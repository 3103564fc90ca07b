"""The basket page's line form: a labelled quantity box that does not reveal the stock level."""

from oscar.apps.basket import forms


class BasketLineForm(forms.BasketLineForm):
    def __init__(self, strategy, *args, **kwargs):
        super().__init__(strategy, *args, **kwargs)
        attrs = self.fields["quantity"].widget.attrs
        # Oscar sets max to the copies in stock, which the browser then quotes ("at most 29").
        attrs.pop("max", None)
        if self.instance.id:
            # The basket template shows no label beside the box; screen readers need one.
            attrs["aria-label"] = f"Quantity of {self.instance.product.get_title()}"

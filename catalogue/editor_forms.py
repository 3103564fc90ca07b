"""The BookPage editor form: the page's own fields plus the Oscar StockRecord's price and stock.

Price and stock are not page content: they have one owner, the StockRecord (docs/design.md §2), which
the Oscar dashboard and orders also change. So they are not kept in revisions. They are written
when the editor saves, draft or publish alike (see `wagtail_hooks.py`), and only the fields the
editor actually changed, so a stale form never overwrites stock that orders moved meanwhile.
"""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from wagtail.admin.forms import WagtailAdminPageForm

from catalogue.isbn import normalise_isbn

STOCK_FIELDS = ("price", "num_in_stock")
# As typed: "978-0-306-40615-7" is 17 characters, with spaces a few more. Stored as 13 digits.
ISBN_INPUT_MAX_LENGTH = 24


class BookPageForm(WagtailAdminPageForm):
    price = forms.DecimalField(
        label="Price (€, VAT included)",
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("9999.99"),
        max_digits=6,
        decimal_places=2,
        help_text="Written to the Oscar stock record when you save, even as a draft; not part of revisions.",
    )
    num_in_stock = forms.IntegerField(
        label="Copies in stock",
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text="Copies in the warehouse. Orders reduce it when they ship.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.accept_typed_isbn()
        record = self.instance.stockrecord if self.instance.pk else None
        if record is not None:
            self.initial.setdefault("price", record.price)
            self.initial.setdefault("num_in_stock", record.num_in_stock)
            self.fields["price"].required = True
            self.fields["price"].help_text = "Required: the book has a stock record. " + self.fields["price"].help_text

    def accept_typed_isbn(self):
        """The model's max_length=13 would cut a hyphenated ISBN in the browser: allow it as typed."""
        isbn = self.fields.get("isbn")
        if isbn is None:
            return
        isbn.max_length = ISBN_INPUT_MAX_LENGTH
        isbn.validators = [v for v in isbn.validators if not isinstance(v, MaxLengthValidator)]
        isbn.validators.append(MaxLengthValidator(ISBN_INPUT_MAX_LENGTH))
        isbn.widget.attrs["maxlength"] = str(ISBN_INPUT_MAX_LENGTH)

    def clean_isbn(self):
        """13 digits before the model checks its length (an empty ISBN is BookPage.clean's message)."""
        typed = self.cleaned_data.get("isbn")
        if not typed:
            return typed
        try:
            return normalise_isbn(typed)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("price") is None and cleaned.get("num_in_stock"):
            self.add_error("price", "Set a price to sell the copies in stock.")
        return cleaned

    def save(self, commit=True):
        from catalogue.sync import apply_editor_stock  # catalogue.sync imports the page models

        page = super().save(commit=commit)
        page.pending_stock = {name: self.cleaned_data.get(name) for name in STOCK_FIELDS if name in self.changed_data}
        if page.pk:
            # Editing: write now. Publishing reloads the page before Wagtail's after_edit_page
            # hook runs, and the reloaded page would no longer carry these values.
            apply_editor_stock(page)
        # A new page has no id yet: the after_create_page hook applies them.
        return page

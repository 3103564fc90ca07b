from wagtail import hooks

from catalogue.pages import BookPage
from catalogue.sync import apply_editor_stock


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def save_price_and_stock(request, page):
    if isinstance(page, BookPage):
        apply_editor_stock(page)

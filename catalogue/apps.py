import oscar.apps.catalogue.apps as apps

from catalogue.fragments import CATALOGUE_VERSION, SHELVES_VERSION
from edgecache.page_cache import pages_depend_on


class CatalogueConfig(apps.CatalogueConfig):
    name = "catalogue"

    def ready(self):
        super().ready()
        from catalogue import reactions  # noqa: F401  (connects its receivers; needs the models loaded)

        # Every page may show the shelf menu, and any listing may show any book.
        pages_depend_on(CATALOGUE_VERSION, SHELVES_VERSION)

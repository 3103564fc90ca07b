import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "catalogue"

    def ready(self):
        super().ready()
        from catalogue import fragments, sync  # noqa: F401  (connect their signal receivers)

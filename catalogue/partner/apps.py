import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    """Oscar's partner app, forked only to replace `partner.strategy` (see strategy.py)."""

    name = "catalogue.partner"

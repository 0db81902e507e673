from odoo import _, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    def _get_warranty_loaner_location(self):
        """The warehouse's *Loaner Fleet* location, created the first time it is needed."""
        self.ensure_one()
        # sudo: workshop users lend loaners but do not configure locations
        Location = self.env["stock.location"].sudo()
        fleet = Location.search(
            [("location_id", "=", self.view_location_id.id), ("warranty_loaner_fleet", "=", True)], limit=1,
        )
        if not fleet:
            fleet = Location.create({
                "name": _("Loaner Fleet"),
                "usage": "internal",
                "location_id": self.view_location_id.id,
                "company_id": self.company_id.id,
                "warranty_loaner_fleet": True,
            })
        return fleet.with_env(self.env)

from odoo import _, api, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    def _get_warranty_workshop_location(self):
        """The warehouse's *Workshop* location, where requisitions deliver parts, created when missing."""
        self.ensure_one()
        # sudo: a workshop user's requisition may be the first to need the location
        Location = self.env["stock.location"].sudo()
        workshop = Location.search(
            [("location_id", "=", self.view_location_id.id), ("warranty_workshop", "=", True)], limit=1,
        )
        if not workshop:
            workshop = Location.create({
                "name": _("Workshop"),
                "usage": "internal",
                "location_id": self.view_location_id.id,
                "company_id": self.company_id.id,
                "warranty_workshop": True,
            })
        return workshop.with_env(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        for warehouse in warehouses:
            warehouse._get_warranty_workshop_location()
        return warehouses

    def _get_warranty_returns_location(self):
        """The warehouse's *Warranty Returns* location, where defective parts wait for the manufacturer."""
        self.ensure_one()
        # sudo: the workshop submitting a claim files its parts without configuring locations
        Location = self.env["stock.location"].sudo()
        returns = Location.search(
            [("location_id", "=", self.view_location_id.id), ("warranty_returns", "=", True)], limit=1,
        )
        if not returns:
            returns = Location.create({
                "name": _("Warranty Returns"),
                "usage": "internal",
                "location_id": self.view_location_id.id,
                "company_id": self.company_id.id,
                "warranty_returns": True,
            })
        return returns.with_env(self.env)

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

from odoo import _, api, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        for warehouse in warehouses:
            warehouse._get_warranty_workshop_location()
        return warehouses

    def _get_warranty_workshop_location(self):
        """Where part requisitions deliver parts and tools to the workshop."""
        return self._get_warranty_location("warranty_workshop", _("Workshop"))

    def _get_warranty_returns_location(self):
        """Where defective parts wait to be shipped to, or scrapped for, the manufacturer."""
        return self._get_warranty_location("warranty_returns", _("Warranty Returns"))

    def _get_warranty_loaner_location(self):
        """Where substitute units wait to be lent to customers."""
        return self._get_warranty_location("warranty_loaner_fleet", _("Loaner Fleet"))

    def _get_warranty_location(self, flag, name):
        """The warehouse's internal location marked with the boolean ``flag``, created the first time it is needed."""
        self.ensure_one()
        # sudo: workshop users trigger these locations (a requisition, a loan, a claim) without configuring stock
        Location = self.env["stock.location"].sudo()
        location = Location.search([("location_id", "=", self.view_location_id.id), (flag, "=", True)], limit=1)
        if not location:
            location = Location.create({
                "name": name,
                "usage": "internal",
                "location_id": self.view_location_id.id,
                "company_id": self.company_id.id,
                flag: True,
            })
        return location.with_env(self.env)

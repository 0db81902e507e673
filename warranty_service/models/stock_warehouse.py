import logging

from odoo import _, api, fields, models

_logger = logging.getLogger(__name__)


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    warranty_returns_location_id = fields.Many2one(
        "stock.location", string="Warranty Returns Location", readonly=True, copy=False, check_company=True,
        help="Where the defective parts kept for the manufacturer wait: a virtual location, outside the "
        "warehouse's valued, sellable stock.",
    )

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
        """Where defective parts wait to be shipped to, or scrapped for, the manufacturer.

        Not a location of the warehouse's stock: the removed part is not the dealer's goods. Like core's
        inventory loss and scrap locations, it is a virtual location (usage ``inventory``) under *Virtual
        Locations*, so it adds neither to On Hand (which counts the warehouse's own locations) nor to the
        stock valuation (``_should_be_valued`` is for internal locations only), while its quants and
        packages still trace each part.
        """
        self.ensure_one()
        location = self.warranty_returns_location_id
        if location.usage == "inventory" and location.active:
            return location
        # sudo: workshop users trigger this location (a claim's submission) without configuring stock
        Location = self.env["stock.location"].sudo()
        self._retire_internal_warranty_returns_location()
        parent = self.env.ref("stock.stock_location_locations_virtual", raise_if_not_found=False)
        location = Location.create({
            "name": _("%(warehouse)s Warranty Returns", warehouse=self.code),
            "usage": "inventory",
            "location_id": parent.id if parent else False,
            "company_id": self.company_id.id,
            "warranty_returns": True,
        })
        self.sudo().warranty_returns_location_id = location
        return location.with_env(self.env)

    def _retire_internal_warranty_returns_location(self):
        """Older versions kept returned parts in an internal location of the warehouse: stop using it.

        It loses its flag, so no new part goes there; it is archived when empty. Parts still in it leave
        from it when their claim ships or scraps them (the claim remembers where it set them aside).
        """
        # sudo: see _get_warranty_returns_location
        legacy = self.env["stock.location"].sudo().search([
            ("location_id", "child_of", self.view_location_id.id), ("usage", "=", "internal"),
            ("warranty_returns", "=", True),
        ])
        if not legacy:
            return
        _logger.warning("Warranty returns location %s is internal (older version): no longer used.",
                        legacy.mapped("complete_name"))
        legacy.write({"warranty_returns": False})
        legacy.filtered(lambda loc: not loc.quant_ids.filtered("quantity")).active = False

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

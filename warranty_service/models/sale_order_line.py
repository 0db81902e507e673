from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    is_warranty_extension = fields.Boolean(related="product_id.is_extended_warranty", string="Is Extended Warranty")
    warranty_lot_id = fields.Many2one(
        "stock.lot", string="Extends Unit", index="btree_not_null", check_company=True, copy=False,
        domain="[('warranty_registration_ids', 'any', [('partner_id', 'child_of', order_partner_id), "
        "('is_void', '=', False)])]",
        help="An extended warranty sold for a unit already registered: its serial number. The extension applies "
        "when the order is confirmed; cancelling the order removes it.",
    )
    warranty_extension_ids = fields.One2many(
        "warranty.registration.extension", "sale_line_id", string="Warranty Extensions", readonly=True,
    )

    @api.onchange("product_id")
    def _onchange_product_warranty_lot(self):
        if not self.product_id.is_extended_warranty:
            self.warranty_lot_id = False

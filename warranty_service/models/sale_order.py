from odoo import _, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        self._check_warranty_extension_quantities()
        return super().action_confirm()

    def _get_warranty_extension_product(self):
        """The extended warranty sold on this order (empty when none)."""
        # An extension naming a registered unit (warranty_lot_id) extends that unit, not the order's units
        return self.order_line.filtered(lambda line: not line.warranty_lot_id).product_id.filtered(
            "is_extended_warranty"
        )[:1]

    def _check_warranty_extension_quantities(self):
        """An extension applies per unit: its quantity must match the units it extends."""
        for order in self:
            extension_lines = order.order_line.filtered(
                lambda line: line.product_id.is_extended_warranty and not line.warranty_lot_id
            )
            if not extension_lines:
                continue
            if len(extension_lines.product_id) > 1:
                raise UserError(_(
                    "Order %(order)s sells several kinds of extended warranty (%(products)s). "
                    "Sell one kind per order: it applies to every unit of the order.",
                    order=order.name, products=", ".join(extension_lines.product_id.mapped("display_name")),
                ))
            unit_lines = order.order_line.filtered(
                lambda line: line.product_id.tracking == "serial" and line.product_id.warranty_months > 0
            )
            units = sum(unit_lines.mapped("product_uom_qty"))
            extensions = sum(extension_lines.mapped("product_uom_qty"))
            if not unit_lines:
                raise UserError(_(
                    "Order %(order)s sells an extended warranty but no unit with a warranty to extend.",
                    order=order.name,
                ))
            if units != extensions:
                raise UserError(_(
                    "Order %(order)s sells %(units)s unit(s) with a warranty but %(extensions)s extended "
                    "warranty(ies). The extension applies per unit: make the quantities match.",
                    order=order.name, units=int(units), extensions=int(extensions),
                ))

from odoo import models


class SaleOrder(models.Model):
    """An extended warranty sold later for a registered unit: applied at confirmation, undone by cancelling."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def action_confirm(self):
        # Checked first: a refused extension confirms nothing
        lines = self.order_line.filtered("warranty_lot_id")
        Extension = self.env["warranty.registration.extension"].sudo()
        # sudo: the salesperson confirming the order reads the unit's registration and extends it, which the
        # sale itself decides; the checks below are the same for everyone
        Extension._lock_registrations(lines.sudo())
        Extension._plan_extensions(lines.sudo())
        result = super().action_confirm()
        Extension._extend_from_sale_lines(lines.sudo())
        return result

    def action_cancel(self):
        # Refused before the cancellation dialog: the salesperson reads why before writing to the customer.
        # sudo: as below
        self.sudo().order_line.warranty_extension_ids._check_can_undo()
        return super().action_cancel()

    def _action_cancel(self):
        # Refused before anything is cancelled: an extension a repair or a claim relied on stays.
        # sudo: as below
        self.sudo().order_line.warranty_extension_ids._check_can_undo()
        result = super()._action_cancel()
        # sudo: as at confirmation, cancelling the sale takes back the extension it gave
        self.sudo().order_line.warranty_extension_ids._undo()
        return result

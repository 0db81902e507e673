from odoo import _, fields, models
from odoo.exceptions import UserError


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    warranty_requisition_ids = fields.Many2many(
        "warranty.part.requisition", "warranty_requisition_purchase_rel", "purchase_id", "requisition_id",
        string="Part Requisitions", copy=False, readonly=True,
    )

    def write(self, vals):
        # Set by the warranty workflows when they create the record; rewiring it by hand (over RPC, as any
        # stock or purchase user) would fake what a requisition issued or a repair moved
        if not self.env.su and {'warranty_requisition_ids'} & vals.keys():
            raise UserError(_(
                "The link of a purchase order to its part requisitions is set by "
                "the warranty workflows, not by hand."
            ))
        return super().write(vals)


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    warranty_requisition_line_id = fields.Many2one(
        "warranty.part.requisition.line", string="Requisition Line", index="btree_not_null", copy=False,
    )

    def write(self, vals):
        # Set by the warranty workflows when they create the record; rewiring it by hand (over RPC, as any
        # stock or purchase user) would fake what a requisition issued or a repair moved
        if not self.env.su and {'warranty_requisition_line_id'} & vals.keys():
            raise UserError(_(
                "The link of a purchase order line to its requisition line is set by "
                "the warranty workflows, not by hand."
            ))
        return super().write(vals)

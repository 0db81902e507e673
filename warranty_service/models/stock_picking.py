from odoo import _, fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    # Transfers a repair makes for its customer: they move units for the service, not sales or returns,
    # so they never register nor void a warranty.
    warranty_repair_id = fields.Many2one(
        "repair.order", string="Service Repair", index="btree_not_null", readonly=True, copy=False,
    )
    warranty_transfer_kind = fields.Selection(
        [
            ("loaner_out", "Loaner Lent"),
            ("loaner_in", "Loaner Returned"),
            ("pickup", "Pickup from Customer"),
            ("delivery", "Return to Customer"),
        ],
        string="Service Transfer", readonly=True, copy=False,
    )
    # Transfers that issue a part requisition to the workshop (or bring its tools back)
    warranty_requisition_id = fields.Many2one(
        "warranty.part.requisition", string="Part Requisition", index="btree_not_null", readonly=True,
    )
    warranty_requisition_kind = fields.Selection(
        [("issue", "Issue to Workshop"), ("tool_return", "Tool Return")], string="Requisition Transfer", readonly=True,
    )

    def write(self, vals):
        # Set by the warranty workflows when they create the record; rewiring it by hand (over RPC, as any
        # stock or purchase user) would fake what a requisition issued or a repair moved
        workflow_fields = {"warranty_requisition_id", "warranty_repair_id", "warranty_transfer_kind",
                           "warranty_requisition_kind"}
        if not self.env.su and workflow_fields & vals.keys():
            raise UserError(_(
                "The link of a transfer to its repair or part requisition is set by "
                "the warranty workflows, not by hand."
            ))
        return super().write(vals)

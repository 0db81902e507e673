from odoo import _, api, fields, models
from odoo.exceptions import UserError


class WarrantyPartRequisitionRefuse(models.TransientModel):
    _name = "warranty.part.requisition.refuse"
    _description = "Refuse Part Requisitions"

    requisition_ids = fields.Many2many(
        "warranty.part.requisition", string="Requisitions", required=True,
        default=lambda self: self._default_requisitions(),
    )
    reason = fields.Text(
        required=True, default=lambda self: self._default_requisitions()[:1].refuse_reason,
        help="Told to the requester: why the parts department refuses the request.",
    )

    @api.model
    def _default_requisitions(self):
        if self.env.context.get("active_model") != "warranty.part.requisition":
            return self.env["warranty.part.requisition"]
        return self.env["warranty.part.requisition"].browse(self.env.context.get("active_ids") or [])

    def action_refuse(self):
        """Write the reason on the requisitions and refuse them."""
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(_("Enter the reason for refusing the requisition."))
        # The requisitions' own checks (parts staff, submitted, reason) run in their action
        self.requisition_ids.write({"refuse_reason": self.reason})
        self.requisition_ids.action_refuse()
        return {"type": "ir.actions.act_window_close"}

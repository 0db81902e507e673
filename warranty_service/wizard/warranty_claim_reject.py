from odoo import fields, models


class WarrantyClaimReject(models.TransientModel):
    """Ask for the manufacturer's reason before rejecting, as core's cancel/refuse wizards do."""

    _name = "warranty.claim.reject"
    _inherit = "warranty.claim.wizard.mixin"
    _description = "Reject a Warranty Claim"

    reason = fields.Text(
        string="Manufacturer's Reason",
        required=True,
        help="As the manufacturer gave it; lines without a rejection code of their own carry it as their code.",
    )

    def action_confirm(self):
        """Record the rejection of the claims with the reason (the claim's action checks rights and status)."""
        self.claim_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}

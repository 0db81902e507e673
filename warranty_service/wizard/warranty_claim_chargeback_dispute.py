from odoo import fields, models


class WarrantyClaimChargebackDispute(models.TransientModel):
    _name = "warranty.claim.chargeback.dispute"
    _description = "Dispute a Chargeback"

    chargeback_id = fields.Many2one("warranty.claim.chargeback", required=True, ondelete="cascade")
    note = fields.Text(string="Why It Is Disputed", required=True)

    def action_confirm(self):
        """Record the dispute (the chargeback checks the rights and its state)."""
        self.ensure_one()
        self.chargeback_id.action_dispute(self.note)
        return {"type": "ir.actions.act_window_close"}

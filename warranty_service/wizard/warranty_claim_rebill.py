from odoo import fields, models


class WarrantyClaimRebill(models.TransientModel):
    _name = "warranty.claim.rebill"
    _inherit = "warranty.claim.wizard.mixin"
    _description = "Re-bill a Rejected Claim to the Customer"

    reason = fields.Text(
        required=True,
        help="Why the customer pays what the manufacturer rejected (e.g. misuse found at inspection). "
        "It is printed on the customer's invoice.",
    )

    def action_confirm(self):
        """Invoice the customer what the manufacturer rejected (the claim's action checks rights and status)."""
        return self.claim_ids.action_rebill_customer(self.reason)

from odoo import fields, models


class WarrantyClaimRebill(models.TransientModel):
    _name = "warranty.claim.rebill"
    _description = "Re-bill a Rejected Claim to the Customer"

    claim_ids = fields.Many2many(
        "warranty.claim",
        string="Claims",
        required=True,
        default=lambda self: (
            self.env.context.get("active_ids") if self.env.context.get("active_model") == "warranty.claim" else []
        ),
    )
    reason = fields.Text(
        required=True,
        help="Why the customer pays what the manufacturer rejected (e.g. misuse found at inspection). "
        "It is printed on the customer's invoice.",
    )

    def action_confirm(self):
        return self.claim_ids.action_rebill_customer(self.reason)

from odoo import fields, models


class WarrantyClaimWizardMixin(models.AbstractModel):
    """The claims a wizard acts on: those selected where it was opened (a claim's form or the claims list)."""

    _name = "warranty.claim.wizard.mixin"
    _description = "Wizard on Selected Warranty Claims"

    claim_ids = fields.Many2many(
        "warranty.claim",
        string="Claims",
        required=True,
        default=lambda self: (
            self.env.context.get("active_ids") if self.env.context.get("active_model") == "warranty.claim" else []
        ),
    )

from odoo import fields, models


class WarrantyClaimValidationResult(models.Model):
    """What the last pre-validation of a claim found: written by the validation only."""

    _name = "warranty.claim.validation.result"
    _description = "Claim Pre-Validation Finding"
    _order = "claim_id, severity, id"
    _check_company_auto = True

    claim_id = fields.Many2one("warranty.claim", string="Claim", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    rule_id = fields.Many2one("warranty.claim.validation.rule", string="Rule", ondelete="set null", index=True)
    code = fields.Char(required=True)
    kind = fields.Selection(related="rule_id.kind", string="Check")
    severity = fields.Selection([("error", "Error"), ("warning", "Warning")], required=True)
    message = fields.Char(required=True)
    line_id = fields.Many2one("warranty.claim.line", string="Line", ondelete="cascade", index="btree_not_null")

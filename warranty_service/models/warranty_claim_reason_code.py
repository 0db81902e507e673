from odoo import api, fields, models

from .warranty_claim_validation_rule import RULE_KIND_SELECTION

REASON_CATEGORY_SELECTION = [
    ("deadline", "Deadline"),
    ("documentation", "Missing or Wrong Documentation"),
    ("labour_time", "Labour Time Over Standard"),
    ("parts", "Parts Not Returned or Not Defective"),
    ("coverage", "Not Covered"),
    ("duplicate", "Duplicate Claim"),
    ("other", "Other"),
]


class WarrantyClaimReasonCode(models.Model):
    """A manufacturer's code for why it rejects or charges back a claim (ASC X12 141 style: SUB, PNR, EW...)."""

    _name = "warranty.claim.reason.code"
    _description = "Manufacturer's Claim Reason Code"
    _order = "manufacturer_id, code"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, index=True)
    name = fields.Char(string="Description", required=True, translate=True)
    manufacturer_id = fields.Many2one(
        "res.partner", string="Manufacturer", required=True, index=True, check_company=True, ondelete="cascade",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    category = fields.Selection(REASON_CATEGORY_SELECTION, required=True, default="other")
    rule_kind = fields.Selection(
        RULE_KIND_SELECTION, string="Caught By",
        help="The pre-validation check that would have caught a claim rejected with this code before it was sent.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "UNIQUE(manufacturer_id, company_id, code)",
         "A reason code must be unique per manufacturer."),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for reason in self:
            reason.display_name = f"[{reason.code}] {reason.name}" if reason.code else reason.name

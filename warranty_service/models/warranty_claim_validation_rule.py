from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

# What a rule checks before a claim goes to the manufacturer; each kind answers one of the manufacturers'
# rejection reasons (ASC X12 141 style codes in brackets)
RULE_KIND_SELECTION = [
    ("submission_deadline", "Submission Deadline (SUB)"),
    ("parts_return_deadline", "Parts Return Deadline (PNR)"),
    ("labour_above_guide", "Labour Hours Above the Guide (ELH)"),
    ("coverage_expired", "Coverage Expired (EW)"),
    ("required_attachments", "Required Attachments"),
    ("duplicate_claim", "Duplicate Claim"),
    ("unrelated_previous_repair", "Unrelated to the Previous Repair (UPR)"),
]
CLAIM_TYPE_SELECTION = [
    ("warranty", "Warranty Repair"),
    ("pdi", "Pre-Delivery Inspection"),
    ("transport_damage", "Transport Damage"),
    ("parts_warranty", "Parts Warranty"),
    ("goodwill", "Goodwill"),
    ("campaign", "Campaign"),
]
# The set a manager starts a manufacturer from (Create Default Rules on the manufacturer)
DEFAULT_RULES = [
    {"code": "SUB", "kind": "submission_deadline", "severity": "error", "days": 0},
    {"code": "PNR", "kind": "parts_return_deadline", "severity": "error", "days": 30},
    {"code": "ELH", "kind": "labour_above_guide", "severity": "error"},
    {"code": "EW", "kind": "coverage_expired", "severity": "error"},
    {"code": "DOC", "kind": "required_attachments", "severity": "warning", "attachment_count": 1},
    # Transport damage is paid on the photos of the damage found at delivery
    {"code": "TDP", "kind": "required_attachments", "severity": "error", "claim_type": "transport_damage",
     "attachment_count": 2, "attachment_mimetype": "image/"},
    {"code": "DUP", "kind": "duplicate_claim", "severity": "error", "days": 30},
    {"code": "UPR", "kind": "unrelated_previous_repair", "severity": "warning", "days": 365},
]


class WarrantyClaimValidationRule(models.Model):
    _name = "warranty.claim.validation.rule"
    _description = "Claim Pre-Validation Rule"
    _order = "manufacturer_id, sequence, code"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, help="The manufacturer's reason code this rule anticipates, e.g. SUB or PNR.")
    name = fields.Char(string="Description", required=True, translate=True)
    manufacturer_id = fields.Many2one(
        "res.partner", string="Manufacturer", required=True, index=True, check_company=True, ondelete="cascade",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    severity = fields.Selection(
        [("error", "Error"), ("warning", "Warning")], required=True, default="error",
        help="Error: the claim cannot be submitted until it is corrected.\nWarning: shown, the claim can be submitted.",
    )
    kind = fields.Selection(RULE_KIND_SELECTION, string="Check", required=True)
    days = fields.Integer(
        help="Submission deadline: days after the repair (0: the manufacturer's claim deadline).\n"
        "Parts return deadline: days after the repair within which the part must reach the manufacturer.\n"
        "Duplicate claim: the window, in days, within which a second claim for the same unit and defect is a "
        "duplicate.\nUnrelated to the previous repair: how many days back the previous repair may be.",
    )
    claim_type = fields.Selection(
        CLAIM_TYPE_SELECTION, help="The claims the rule applies to; empty: every claim.",
    )
    attachment_count = fields.Integer(
        string="Attachments Required", default=1, help="Required attachments: how many files the claim needs.",
    )
    attachment_name = fields.Char(
        string="Attachment Name Contains",
        help="Required attachments: only files whose name contains this text count (e.g. photo, diag).",
    )
    attachment_mimetype = fields.Char(
        string="Attachment Type",
        help="Required attachments: only files of this type count, e.g. image/ for photos.",
    )

    _sql_constraints = [
        ("code_uniq", "UNIQUE(manufacturer_id, company_id, code)", "A rule code must be unique per manufacturer."),
        ("days_positive", "CHECK(days >= 0)", "A rule's number of days cannot be negative."),
        ("attachment_count_positive", "CHECK(attachment_count >= 0)", "The attachments required cannot be negative."),
    ]

    @api.constrains("kind", "days", "attachment_count")
    def _check_parameters(self):
        for rule in self:
            needs_days = rule.kind in ("parts_return_deadline", "duplicate_claim", "unrelated_previous_repair")
            if needs_days and rule.days <= 0:
                raise ValidationError(_(
                    "Rule %(code)s of %(manufacturer)s needs its number of days (more than 0).",
                    code=rule.code, manufacturer=rule.manufacturer_id.name,
                ))
            if rule.kind == "required_attachments" and rule.attachment_count <= 0:
                raise ValidationError(_(
                    "Rule %(code)s of %(manufacturer)s needs the number of attachments required (1 or more).",
                    code=rule.code, manufacturer=rule.manufacturer_id.name,
                ))

    @api.model
    def _get_kind_label(self, kind):
        return dict(self._fields["kind"]._description_selection(self.env))[kind]

    @api.model
    def _create_default_rules(self, manufacturers):
        """The default set for each of ``manufacturers`` in the current company; codes already there are kept."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager sets up the manufacturers' claim rules."))
        company = self.env.company
        existing = {
            (rule.manufacturer_id.id, rule.code)
            for rule in self.with_context(active_test=False).search(
                [("manufacturer_id", "in", manufacturers.ids), ("company_id", "=", company.id)]
            )
        }
        vals_list = [
            {**vals, "name": self._get_kind_label(vals["kind"]), "manufacturer_id": manufacturer.id,
             "company_id": company.id, "sequence": index}
            for manufacturer in manufacturers
            for index, vals in enumerate(DEFAULT_RULES, start=1)
            if (manufacturer.id, vals["code"]) not in existing
        ]
        return self.create(vals_list)

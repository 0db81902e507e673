from odoo import fields, models


class WarrantyDefectCode(models.Model):
    _name = "warranty.defect.code"
    _description = "Warranty Defect Code"
    _order = "code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(
        required=True, index=True, help="The manufacturer's or the dealer's code for this kind of failure."
    )
    name = fields.Char(string="Description", required=True, translate=True)
    category = fields.Selection(
        [
            ("engine", "Engine"),
            ("transmission", "Transmission / Drivetrain"),
            ("electrical", "Electrical / Electronics"),
            ("hydraulic", "Hydraulics"),
            ("chassis", "Chassis / Suspension / Brakes"),
            ("body", "Body / Paint / Trim"),
            ("other", "Other"),
        ],
        required=True, default="other",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )

    _sql_constraints = [
        ("code_company_uniq", "UNIQUE(code, company_id)", "A defect code must be unique per company."),
    ]

    def _compute_display_name(self):
        for defect in self:
            defect.display_name = f"[{defect.code}] {defect.name}" if defect.code else defect.name

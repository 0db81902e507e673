from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class WarrantyLaborOperation(models.Model):
    _name = "warranty.labor.operation"
    _description = "Warranty Labour Operation"
    _order = "manufacturer_id, code"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, index=True, help="The manufacturer's operation code.")
    name = fields.Char(string="Description", required=True, translate=True)
    standard_hours = fields.Float(
        string="Standard Time (h)", digits=(16, 2),
        help="The manufacturer's standard time for this job; labour lines default to it.",
    )
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True, index=True)
    product_id = fields.Many2one(
        "product.product", string="Labour Product", required=True, check_company=True,
        domain="[('type', '=', 'service')]",
        help="The service product used to invoice this labour to the customer.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )

    _sql_constraints = [
        (
            "code_manufacturer_uniq",
            "UNIQUE(code, manufacturer_id, company_id)",
            "A labour operation code must be unique per manufacturer.",
        ),
        ("standard_hours_positive", "CHECK(standard_hours >= 0)", "The standard time cannot be negative."),
    ]

    @api.constrains("standard_hours")
    def _check_standard_hours(self):
        for operation in self:
            if operation.standard_hours < 0:
                raise ValidationError(_(
                    "The standard time of operation %(code)s cannot be negative.", code=operation.code,
                ))

    def _compute_display_name(self):
        for operation in self:
            operation.display_name = f"[{operation.code}] {operation.name}" if operation.code else operation.name

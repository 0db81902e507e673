from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class WarrantyComplaintCategory(models.Model):
    _name = "warranty.complaint.category"
    _inherit = ["warranty.portal.field.access"]
    _description = "Complaint Category"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", string="Company", required=True, index=True, default=lambda self: self.env.company,
    )
    deadline_days = fields.Integer(
        string="Answer Within (days)", default=lambda self: self.env.company.warranty_complaint_deadline_days or 14,
        help="The company's deadline to answer a complaint of this category, in calendar days from its receipt.",
    )

    _sql_constraints = [
        ("deadline_days_positive", "CHECK(deadline_days > 0)", "A complaint deadline is at least 1 day."),
        ("name_company_uniq", "UNIQUE(name, company_id)", "A complaint category with this name already exists."),
    ]

    def _warranty_portal_field_names(self):
        # The portal's "Report a Problem" form offers the categories by name
        return {"name", "company_id"}

    @api.constrains("deadline_days")
    def _check_deadline_days(self):
        if any(category.deadline_days <= 0 for category in self):
            raise ValidationError(_("A complaint deadline is at least 1 day."))

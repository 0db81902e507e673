from odoo import Command, _, fields, models
from odoo.tools import format_date


class WarrantyFailureRate(models.TransientModel):
    """Failures per 100 units sold, per model and defect code, over a chosen period."""

    _name = "warranty.failure.rate"
    _description = "Failure Rates"

    date_from = fields.Date(string="From", required=True,
                            default=lambda self: fields.Date.subtract(fields.Date.context_today(self), years=1))
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    line_ids = fields.One2many("warranty.failure.rate.line", "wizard_id", string="Rates", readonly=True)

    def action_compute(self):
        """Count failures and registered units once each, then the rates."""
        self.ensure_one()
        failures = self.env["warranty.defect.register"]._read_group(
            [("company_id", "=", self.company_id.id), ("date", ">=", self.date_from), ("date", "<=", self.date_to)],
            ["product_tmpl_id", "defect_code_id"],
            ["failure_count:sum", "days_in_service:avg", "odometer_km:avg"],
        )
        units = {}
        # Units sold: registrations (active or expired, not void) started by the end of the period
        for product, count in self.env["warranty.registration"]._read_group(
            [("company_id", "=", self.company_id.id), ("is_void", "=", False), ("date_start", "<=", self.date_to)],
            ["product_id"], ["__count"],
        ):
            units[product.product_tmpl_id] = units.get(product.product_tmpl_id, 0) + count
        self.line_ids = [Command.clear()] + [Command.create({
            "product_tmpl_id": template.id,
            "defect_code_id": defect.id,
            "failure_count": count,
            "units_sold": units.get(template, 0),
            "failure_rate": 100.0 * count / units[template] if units.get(template) else 0.0,
            "mean_days_to_failure": days or 0.0,
            "mean_km_to_failure": km or 0.0,
        }) for template, defect, count, days, km in failures]
        # The rates open as a report (a named list with its filters), not as an unsaved record whose breadcrumb
        # would read "warranty.failure.rate,2"
        return {
            "type": "ir.actions.act_window",
            "name": _("Failure Rates %(date_from)s - %(date_to)s", date_from=format_date(self.env, self.date_from),
                      date_to=format_date(self.env, self.date_to)),
            "res_model": "warranty.failure.rate.line",
            "views": [(self.env.ref("warranty_service.warranty_failure_rate_line_view_list").id, "list")],
            "domain": [("wizard_id", "=", self.id)],
            "target": "main",
            "context": {"create": False},
        }


class WarrantyFailureRateLine(models.TransientModel):
    _name = "warranty.failure.rate.line"
    _description = "Failure Rate"
    _order = "failure_rate desc"

    wizard_id = fields.Many2one("warranty.failure.rate", required=True, ondelete="cascade")
    product_tmpl_id = fields.Many2one("product.template", string="Model")
    defect_code_id = fields.Many2one("warranty.defect.code", string="Defect Code")
    failure_count = fields.Integer(string="Failures")
    units_sold = fields.Integer()
    failure_rate = fields.Float(string="Failures per 100 Units", digits=(16, 2))
    mean_days_to_failure = fields.Float(string="Mean Days to Failure", digits=(16, 0))
    mean_km_to_failure = fields.Float(string="Mean km to Failure", digits=(16, 0))

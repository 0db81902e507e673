from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class WarrantyRegistrationComponent(models.Model):
    """A coverage component as a registration holds it: its limits frozen at delivery.

    Later changes to the programme do not rewrite the warranties already sold; the end date follows
    the registration's start date and the months copied here.
    """

    _name = "warranty.registration.component"
    _description = "Warranty Registration Component"
    _order = "registration_id, sequence, id"
    _check_company_auto = True
    _rec_name = "code"

    registration_id = fields.Many2one(
        "warranty.registration", string="Registration", required=True, index=True, ondelete="cascade",
        check_company=True,
    )
    component_id = fields.Many2one(
        "warranty.coverage.component", string="Component", required=True, index=True, ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="registration_id.company_id", store=True, index=True, precompute=True)
    lot_id = fields.Many2one(related="registration_id.lot_id", string="Serial Number")
    code = fields.Char(related="component_id.code")
    kind = fields.Selection(related="component_id.kind")
    sequence = fields.Integer(related="component_id.sequence", store=True)
    months = fields.Integer(help="Months from the warranty start. 0 means no time limit.")
    limit_km = fields.Integer(string="Limit (km)", help="0 means no limit.")
    limit_hours = fields.Integer(string="Limit (hours)", help="0 means no limit.")
    broken_meter_hours_per_day = fields.Float(
        string="Hours per Day if Meter Broken", digits=(16, 1),
        help="Engine hours counted per calendar day since the start when the hour meter is broken.",
    )
    date_start = fields.Date(
        string="Start", compute="_compute_date_start", store=True, readonly=False, precompute=True, required=True,
    )
    date_end = fields.Date(
        string="End", compute="_compute_date_end", store=True, precompute=True,
        help="Last day of the component's coverage; empty when it has no time limit.",
    )

    _sql_constraints = [
        (
            "component_once",
            "UNIQUE(registration_id, component_id)",
            "A registration holds each coverage component once.",
        ),
        (
            "limits_positive",
            "CHECK(months >= 0 AND limit_km >= 0 AND limit_hours >= 0)",
            "A coverage component's limits cannot be negative: enter 0 for no limit.",
        ),
    ]

    @api.depends("registration_id.date_start")
    def _compute_date_start(self):
        for line in self:
            line.date_start = line.registration_id.date_start

    @api.depends("date_start", "months")
    def _compute_date_end(self):
        for line in self:
            # Whole months, as the registration's own term: 96 months from 1 March end on the last of February
            line.date_end = line.date_start + relativedelta(months=line.months, days=-1) if (
                line.date_start and line.months
            ) else False

    @api.constrains("months", "limit_km", "limit_hours", "date_start", "registration_id")
    def _check_limits(self):
        for line in self:
            if line.months < 0 or line.limit_km < 0 or line.limit_hours < 0:
                raise ValidationError(_(
                    "The limits of component %(component)s of %(registration)s cannot be negative: "
                    "enter 0 for no limit.",
                    component=line.component_id.display_name, registration=line.registration_id.name,
                ))
            warranty_start = line.registration_id.date_start
            if line.date_start and warranty_start and line.date_start < warranty_start:
                raise ValidationError(_(
                    "Component %(component)s of %(registration)s cannot start (%(start)s) before the warranty "
                    "(%(warranty_start)s).",
                    component=line.component_id.display_name, registration=line.registration_id.name,
                    start=format_date(self.env, line.date_start),
                    warranty_start=format_date(self.env, line.registration_id.date_start),
                ))

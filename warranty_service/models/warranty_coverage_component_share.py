from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class WarrantyCoverageComponent(models.Model):
    """What the customer still pays of a job a component covers: a deductible per visit, a pro-rata share.

    Pro-rata model: after ``prorata_after_months`` whole months from the component's start on the unit, the
    customer pays ``prorata_customer_percent_per_month`` % of the job for every further whole month (at most
    100 %). E.g. after 36 months at 2 % a month: a repair 38 months and 10 days after the start costs the
    customer 4 %. The deductible is charged once per visit, on the repair's first job this component covers.
    """

    _inherit = "warranty.coverage.component"

    currency_id = fields.Many2one(related="company_id.currency_id")
    deductible_amount = fields.Monetary(
        string="Deductible per Visit",
        help="What the customer pays of each visit this component covers, in the company's currency: charged "
        "once per repair, on its first job the component covers (never more than that job's value). The claim "
        "carries the rest.",
    )
    prorata_after_months = fields.Integer(
        string="Pro-rata After (months)",
        help="Whole months from the component's start on the unit during which the manufacturer pays in full.",
    )
    prorata_customer_percent_per_month = fields.Float(
        string="Customer Share per Month (%)", digits=(16, 2),
        help="After the pro-rata months, the customer pays this percentage of the job for every further whole "
        "month since the component started (at most 100 %). 0: no pro-rata.",
    )

    _sql_constraints = [
        (
            "customer_share_positive",
            "CHECK(deductible_amount >= 0 AND prorata_after_months >= 0 AND prorata_customer_percent_per_month >= 0 "
            "AND prorata_customer_percent_per_month <= 100)",
            "A deductible and a pro-rata share cannot be negative, nor the share per month above 100 %.",
        ),
    ]

    @api.constrains("deductible_amount", "prorata_after_months", "prorata_customer_percent_per_month")
    def _check_customer_share(self):
        for component in self:
            if component.deductible_amount < 0:
                raise ValidationError(_(
                    "The deductible of coverage component %(component)s cannot be negative: enter 0 for none.",
                    component=component.display_name,
                ))
            if component.prorata_after_months < 0 or not 0 <= component.prorata_customer_percent_per_month <= 100:
                raise ValidationError(_(
                    "The pro-rata terms of coverage component %(component)s are wrong: the months cannot be "
                    "negative and the customer's share per month is between 0 and 100 %%.",
                    component=component.display_name,
                ))

    def _get_prorata_percent(self, start, day):
        """The customer's pro-rata percentage of a job on ``day`` for a unit whose component started on ``start``."""
        self.ensure_one()
        return get_prorata_percent(self.prorata_after_months, self.prorata_customer_percent_per_month, start, day)


def get_prorata_percent(after_months, percent_per_month, start, day):
    """The customer's pro-rata percentage on ``day`` of a component started on ``start``: ``percent_per_month``
    for every whole month beyond ``after_months``, at most 100."""
    if not percent_per_month or not start or day <= start:
        return 0.0
    elapsed = (day.year - start.year) * 12 + day.month - start.month - (1 if day.day < start.day else 0)
    beyond = max(0, elapsed - after_months)
    return min(100.0, beyond * percent_per_month)

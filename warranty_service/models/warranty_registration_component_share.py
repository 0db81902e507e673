from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .warranty_coverage_component_share import get_prorata_percent

SHARE_TERMS = ("deductible_amount", "prorata_after_months", "prorata_customer_percent_per_month")


class WarrantyRegistrationComponent(models.Model):
    """The customer's share terms of a component (deductible, pro-rata) as the registration holds them.

    Frozen at delivery with the limits: a programme that later raises its deductible or starts its pro-rata
    sooner does not change the warranties already sold. The jobs the component covers read them from here.
    """

    _inherit = "warranty.registration.component"  # pylint: disable=consider-merging-classes-inherited

    currency_id = fields.Many2one(related="company_id.currency_id")
    deductible_amount = fields.Monetary(
        string="Deductible per Visit",
        help="What the customer pays of each visit this component covers (charged on the repair's first job it "
        "covers), as the programme set it when the unit was registered.",
    )
    prorata_after_months = fields.Integer(
        string="Pro-rata After (months)",
        help="Whole months from the component's start during which the manufacturer pays in full, as the "
        "programme set it when the unit was registered.",
    )
    prorata_customer_percent_per_month = fields.Float(
        string="Customer Share per Month (%)", digits=(16, 2),
        help="After the pro-rata months, the customer pays this percentage of the job for every further whole "
        "month (at most 100 %), as the programme set it when the unit was registered. 0: no pro-rata.",
    )

    _sql_constraints = [
        (
            "customer_share_positive",
            "CHECK(deductible_amount >= 0 AND prorata_after_months >= 0 AND prorata_customer_percent_per_month >= 0 "
            "AND prorata_customer_percent_per_month <= 100)",
            "A deductible and a pro-rata share cannot be negative, nor the share per month above 100 %.",
        ),
    ]

    @api.constrains(*SHARE_TERMS)
    def _check_customer_share(self):
        for line in self:
            if line.deductible_amount < 0:
                raise ValidationError(_(
                    "The deductible of component %(component)s of %(registration)s cannot be negative: enter 0 "
                    "for none.",
                    component=line.component_id.display_name, registration=line.registration_id.name,
                ))
            if line.prorata_after_months < 0 or not 0 <= line.prorata_customer_percent_per_month <= 100:
                raise ValidationError(_(
                    "The pro-rata terms of component %(component)s of %(registration)s are wrong: the months "
                    "cannot be negative and the customer's share per month is between 0 and 100 %%.",
                    component=line.component_id.display_name, registration=line.registration_id.name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        # The terms not given (a delivery, an import of the limits only) are the programme's as they are today
        missing = [vals for vals in vals_list if vals.get("component_id") and not set(SHARE_TERMS) <= vals.keys()]
        if missing:
            # sudo: the registration freezes the programme's terms for whoever registers the unit
            components = self.env["warranty.coverage.component"].sudo().browse(
                {vals["component_id"] for vals in missing}
            )
            components.fetch(list(SHARE_TERMS))
            for vals in missing:
                component = components.browse(vals["component_id"])
                for name in SHARE_TERMS:
                    vals.setdefault(name, component[name])
        return super().create(vals_list)

    def _get_prorata_percent(self, day):
        """The customer's pro-rata percentage of a job on ``day``, at the terms frozen on this registration."""
        self.ensure_one()
        return get_prorata_percent(
            self.prorata_after_months, self.prorata_customer_percent_per_month, self.date_start, day,
        )

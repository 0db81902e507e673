from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class WarrantyClaimLine(models.Model):
    """A claim line of a job the customer pays a share of (deductible, pro-rata): it claims the rest only."""

    _inherit = "warranty.claim.line"  # pylint: disable=consider-merging-classes-inherited

    customer_share_amount = fields.Monetary(
        string="Customer's Share", readonly=True,
        help="Deducted from this line: the customer pays it (the coverage component's deductible or pro-rata "
        "share of the job). Claimed = quantity x unit price - the customer's share.",
    )

    _sql_constraints = [
        (
            "customer_share_positive",
            "CHECK(customer_share_amount IS NULL OR customer_share_amount >= 0)",
            "The customer's share of a claim line cannot be negative.",
        ),
    ]

    @api.depends("quantity", "price_unit", "customer_share_amount")
    def _compute_amount_claimed(self):
        result = super()._compute_amount_claimed()
        for line in self.filtered("customer_share_amount"):
            amount = line.amount_claimed - line.customer_share_amount
            line.amount_claimed = line.currency_id.round(amount) if line.currency_id else amount
        return result

    @api.constrains("customer_share_amount", "quantity", "price_unit")
    def _check_customer_share(self):
        for line in self.filtered("customer_share_amount"):
            gross = line.quantity * line.price_unit
            over = line.currency_id.compare_amounts(line.customer_share_amount, gross) > 0
            if line.customer_share_amount < 0 or over:
                raise ValidationError(_(
                    "%(line)s: the customer's share (%(share)s) is more than the line (%(amount)s).",
                    line=line.name, share=line.customer_share_amount, amount=line.currency_id.round(gross),
                ))

    def write(self, vals):
        if "customer_share_amount" in vals and not self.env.su:
            raise UserError(_(
                "The customer's share of a claim line follows from the job's coverage component (deductible, "
                "pro-rata): it is not typed in."
            ))
        return super().write(vals)

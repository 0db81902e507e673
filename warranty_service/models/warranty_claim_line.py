from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class WarrantyClaimLine(models.Model):
    _name = "warranty.claim.line"
    _description = "Warranty Claim Line"
    _order = "claim_id, sequence, id"
    _check_company_auto = True

    claim_id = fields.Many2one("warranty.claim", string="Claim", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    line_type = fields.Selection(
        [("part", "Part"), ("labor", "Labour"), ("other", "Other")], string="Type", required=True, default="part",
    )
    product_id = fields.Many2one("product.product", string="Product", check_company=True)
    labor_operation_id = fields.Many2one("warranty.labor.operation", string="Labour Operation", check_company=True)
    name = fields.Char(string="Description", required=True)
    quantity = fields.Float(string="Quantity", required=True, default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Monetary(string="Unit Price", required=True)
    amount_claimed = fields.Monetary(string="Claimed", compute="_compute_amount_claimed", store=True)
    amount_accepted = fields.Monetary(string="Accepted", copy=False)
    amount_rejected = fields.Monetary(string="Rejected", compute="_compute_amount_rejected", store=True)
    manufacturer_id = fields.Many2one(related="claim_id.manufacturer_id", store=True, string="Manufacturer")
    submission_date = fields.Date(related="claim_id.submission_date", store=True, string="Submitted On")
    rejection_code = fields.Char(string="Rejection Code", copy=False)
    hours_override_reason = fields.Char(
        string="Hours Over Standard", help="Why more hours than the manufacturer's standard time are claimed.",
    )

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "A claim line must have a positive quantity."),
        ("price_positive", "CHECK(price_unit >= 0)", "A claim line cannot have a negative price."),
        (
            "accepted_within_claimed",
            "CHECK(amount_accepted IS NULL OR (amount_accepted >= 0 AND amount_accepted <= amount_claimed + 0.005))",
            "The manufacturer cannot accept more than was claimed, nor a negative amount.",
        ),
    ]

    @api.depends("quantity", "price_unit")
    def _compute_amount_claimed(self):
        for line in self:
            line.amount_claimed = line.currency_id.round(line.quantity * line.price_unit) if line.currency_id \
                else line.quantity * line.price_unit

    @api.depends("amount_claimed", "amount_accepted", "claim_id.state")
    def _compute_amount_rejected(self):
        for line in self:
            decided = line.claim_id.state in ("accepted", "partially_accepted", "rejected", "paid")
            line.amount_rejected = line.amount_claimed - line.amount_accepted if decided else 0.0

    @api.constrains("quantity", "labor_operation_id", "hours_override_reason")
    def _check_standard_hours(self):
        for line in self.filtered(lambda l: l.line_type == "labor" and l.labor_operation_id.standard_hours):
            over = line.quantity > line.labor_operation_id.standard_hours
            if over and not (line.hours_override_reason or "").strip():
                raise ValidationError(_(
                    "%(line)s: %(hours)s h claimed for a standard time of %(standard)s h. Enter why the standard "
                    "time was exceeded, or the manufacturer pays the standard time only.",
                    line=line.name, hours=line.quantity, standard=line.labor_operation_id.standard_hours,
                ))

    @api.constrains("quantity", "amount_accepted", "amount_claimed")
    def _check_amounts(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(_("%(line)s: a claim line must have a positive quantity.", line=line.name))
            if line.amount_accepted < 0 or line.currency_id.compare_amounts(line.amount_accepted, line.amount_claimed) > 0:
                raise ValidationError(_(
                    "%(line)s: the manufacturer cannot accept %(accepted)s when %(claimed)s was claimed.",
                    line=line.name, accepted=line.amount_accepted, claimed=line.amount_claimed,
                ))

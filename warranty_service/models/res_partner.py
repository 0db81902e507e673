from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Terms of a manufacturer, for the partners that products name as their warranty manufacturer
    warranty_notification_days = fields.Integer(
        string="Warranty Notification Deadline (days)", default=3,
        help="Days the dealer has to notify this manufacturer of a warranty repair once it is confirmed.",
    )
    warranty_labor_rate = fields.Float(
        string="Warranty Labour Rate", digits="Product Price",
        help="What this manufacturer pays per hour of warranty labour, in the company's currency.",
    )
    warranty_parts_markup_percent = fields.Float(
        string="Warranty Parts Markup (%)",
        help="Added to the dealer's cost of the parts claimed from this manufacturer.",
    )
    warranty_claim_deadline_days = fields.Integer(
        string="Claim Deadline (days)", default=30,
        help="Days after the repair's completion within which a claim must reach this manufacturer.",
    )
    warranty_parts_retention_days = fields.Integer(
        string="Parts Retention (days)", default=90,
        help="How long returned parts are kept when the manufacturer does not ask for them.",
    )
    warranty_claim_prefix = fields.Char(
        string="Claim Prefix", help="Prefix of this manufacturer's claim numbers, e.g. NT-WC-.",
    )
    warranty_reimbursement_method = fields.Selection(
        [("invoice", "Dealer Invoices the Manufacturer"), ("credit_note", "Manufacturer Sends a Credit Note")],
        # Not required: a NOT NULL column on res_partner breaks every partner created by code that does not
        # know this addon (core's at-install tests of stock_account create companies); empty means invoice
        string="Warranty Reimbursement", default="invoice",
        help="How this manufacturer pays accepted claims: the dealer invoices it, or it credits the dealer's "
        "parts payable with a credit note.",
    )
    # Repair jobs (issue 14): prior approval, goodwill authorization and sublet
    warranty_prior_approval_amount = fields.Float(
        string="Prior Approval Above", digits="Product Price",
        help="Covered work this manufacturer would pay more than this for (per job, at its terms) needs its "
        "authorization number, amount and date before the work starts. 0: no prior approval.",
    )
    warranty_goodwill_authorization_required = fields.Boolean(
        string="Goodwill Needs Authorization",
        help="This manufacturer's share of a goodwill job needs its goodwill authorization number.",
    )
    warranty_sublet_markup_percent = fields.Float(
        string="Sublet Markup (%)",
        help="Added to the cost of the external work (sublet) claimed from this manufacturer.",
    )
    warranty_short_pay_tolerance_amount = fields.Float(
        string="Short-Pay Tolerance", digits="Account",
        help="A remittance paying a claim short by at most this amount settles it: the difference is written off to "
        "the short-pay account. 0: no amount tolerance.",
    )
    warranty_short_pay_tolerance_percent = fields.Float(
        string="Short-Pay Tolerance (%)",
        help="... or by at most this share of what the claim still owed. With both set, a short pay must be within "
        "both. 0: no percentage tolerance.",
    )
    warranty_claim_sequence_id = fields.Many2one(
        "ir.sequence", string="Claim Numbering", copy=False, readonly=True,
        help="Created with the first claim to this manufacturer.",
    )

    # Pre-validation of claims (issue 25): what this manufacturer checks before it accepts a claim
    warranty_transport_letter_hours = fields.Integer(
        string="Carrier Letter Deadline (hours)", default=24,
        help="Transport damage: hours after the damage is found at delivery within which the letter to the carrier "
        "must be sent for this manufacturer to pay the claim.",
    )
    warranty_validation_rule_ids = fields.One2many(
        "warranty.claim.validation.rule", "manufacturer_id", string="Claim Validation Rules",
    )

    def action_create_warranty_validation_rules(self):
        """Give these manufacturers the default claim rules (deadlines, parts return, labour guide, coverage,
        attachments, duplicates, previous repair); rules already there are kept."""
        self.env["warranty.claim.validation.rule"]._create_default_rules(self)
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_claim_validation_rule_action")
        action["domain"] = [("manufacturer_id", "in", self.ids)]
        return action

    def _get_warranty_claim_sequence(self):
        """This manufacturer's claim numbering, created the first time a claim is made."""
        self.ensure_one()
        if not self.warranty_claim_sequence_id:
            # Two first claims of this manufacturer at once would each create a numbering and hand out the
            # same numbers: the second waits here for the first, then reads the numbering it created
            self.env.cr.execute(SQL("SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE", self.id))
            self.invalidate_recordset(["warranty_claim_sequence_id"])
        if not self.warranty_claim_sequence_id:
            # sudo: the workshop creating the first claim does not manage sequences
            self.sudo().warranty_claim_sequence_id = self.env["ir.sequence"].sudo().create({
                "name": _("Warranty claims of %(manufacturer)s", manufacturer=self.name),
                "code": f"warranty.claim.{self.id}",
                # Without a prefix of its own, the manufacturer's id keeps its numbers apart from
                # another manufacturer's: claim numbers are unique per company
                "prefix": self.warranty_claim_prefix or f"WC/%(year)s/{self.id}-",
                "padding": 5,
                "company_id": False,
            })
        return self.sudo().warranty_claim_sequence_id

    def _is_warranty_short_pay_tolerated(self, short, owed, currency):
        """Whether paying ``short`` less than the ``owed`` amount of a claim is within this manufacturer's tolerance."""
        self.ensure_one()
        if currency.compare_amounts(short, 0.0) <= 0:
            return False
        limits = []
        if self.warranty_short_pay_tolerance_amount > 0:
            limits.append(self.warranty_short_pay_tolerance_amount)
        if self.warranty_short_pay_tolerance_percent > 0:
            limits.append(currency.round(owed * self.warranty_short_pay_tolerance_percent / 100.0))
        return bool(limits) and all(currency.compare_amounts(short, limit) <= 0 for limit in limits)

    @api.constrains("warranty_short_pay_tolerance_amount", "warranty_short_pay_tolerance_percent")
    def _check_warranty_short_pay_tolerance(self):
        for partner in self:
            if partner.warranty_short_pay_tolerance_amount < 0 or not (
                0 <= partner.warranty_short_pay_tolerance_percent <= 100
            ):
                raise ValidationError(_(
                    "The short-pay tolerance of %(manufacturer)s is an amount of 0 or more and a percentage between "
                    "0 and 100.", manufacturer=partner.name,
                ))

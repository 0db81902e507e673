from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# What the line claims: written by the workshop while its claim is a draft, frozen for everyone afterwards
LINE_CONTENT_FIELDS = frozenset({
    "line_type", "product_id", "labor_operation_id", "name", "quantity", "price_unit", "hours_override_reason",
    "return_required",
}) | frozenset({"job_id", "is_sublet", "sublet_line_id"})
# The manufacturer's decision: recorded by a Warranty Accountant or Manager while the claim is submitted
LINE_DECISION_FIELDS = frozenset({"decision", "amount_accepted", "rejection_code", "reason_code_id"})
# Computed or related: never written by hand
LINE_COMPUTED_FIELDS = frozenset(
    {"amount_claimed", "amount_rejected", "company_id", "manufacturer_id", "submission_date", "guide_hours"}
)


class WarrantyClaimLine(models.Model):
    _name = "warranty.claim.line"
    _description = "Warranty Claim Line"
    _order = "claim_id, sequence, id"
    _check_company_auto = True

    claim_id = fields.Many2one(
        "warranty.claim", string="Claim", required=True, index=True, ondelete="cascade", check_company=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    line_type = fields.Selection(
        [("part", "Part"), ("labor", "Labour"), ("other", "Other")],
        string="Type",
        required=True,
        default="part",
    )
    product_id = fields.Many2one("product.product", string="Product", check_company=True)
    labor_operation_id = fields.Many2one("warranty.labor.operation", string="Labour Operation", check_company=True)
    name = fields.Char(string="Description", required=True)
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit of Measure")
    price_unit = fields.Monetary(string="Unit Price", required=True)
    amount_claimed = fields.Monetary(string="Claimed", compute="_compute_amount_claimed", store=True)
    decision = fields.Selection(
        [("pending", "Pending"), ("accepted", "Accepted"), ("partial", "Partially Accepted"), ("rejected", "Rejected")],
        default="pending",
        required=True,
        copy=False,
        index=True,
        help="The manufacturer's decision on this line.\nPending: not decided yet (Accepted on the claim accepts it "
        "in full).\nAccepted: paid as claimed.\nPartially Accepted: paid less than claimed.\nRejected: 0.00 paid, "
        "with the manufacturer's rejection code.",
    )
    amount_accepted = fields.Monetary(
        string="Accepted", copy=False, help="What the manufacturer pays for this line; 0.00 means the line is rejected."
    )
    amount_rejected = fields.Monetary(string="Rejected", compute="_compute_amount_rejected", store=True)
    manufacturer_id = fields.Many2one(related="claim_id.manufacturer_id", store=True, string="Manufacturer")
    submission_date = fields.Date(related="claim_id.submission_date", store=True, string="Submitted On")
    rejection_code = fields.Char(copy=False)
    reason_code_id = fields.Many2one(
        "warranty.claim.reason.code", string="Reason Code", copy=False, index="btree_not_null", check_company=True,
        domain="[('manufacturer_id', '=', manufacturer_id)]",
        help="The manufacturer's reason code of a rejected or partially accepted line.",
    )
    guide_hours = fields.Float(
        string="Flat-Rate Hours", digits=(16, 2), compute="_compute_guide_hours", store=True,
        help="What the manufacturer pays for this labour on this unit: its time guide for the unit's VIN on the "
        "repair date, else the operation's standard time.",
    )
    hours_override_reason = fields.Char(
        string="Hours Over Standard",
        help="Why more hours than the manufacturer's standard time are claimed.",
    )
    # Repair jobs: the claim's lines grouped by job, with its 3C, codes, authorization and sublet
    job_id = fields.Many2one(
        "warranty.repair.job", string="Job", index="btree_not_null", check_company=True, readonly=True,
        help="The repair job this line claims.",
    )
    job_pay_type = fields.Selection(related="job_id.pay_type", string="Pay Type")
    job_complaint = fields.Text(related="job_id.complaint", string="Complaint")
    job_cause = fields.Text(related="job_id.cause", string="Cause")
    job_correction = fields.Text(related="job_id.correction", string="Correction")
    job_defect_code_ids = fields.Many2many(related="job_id.defect_code_ids", string="Job Defect Codes")
    job_authorization_number = fields.Char(related="job_id.authorization_number", string="Authorization")
    job_authorization_amount = fields.Monetary(related="job_id.authorization_amount", string="Authorized Amount")
    job_authorization_date = fields.Date(related="job_id.authorization_date", string="Authorized On")
    is_sublet = fields.Boolean(string="Sublet", readonly=True, help="External work, claimed at cost plus markup.")
    sublet_line_id = fields.Many2one(
        "warranty.repair.sublet", string="Sublet Line", readonly=True, index="btree_not_null", check_company=True,
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

    def init(self):
        result = super().init()
        # Lines decided before decisions were explicit: their decision follows from their amounts, once
        self.env.cr.execute("""
            UPDATE warranty_claim_line line
               SET decision = CASE WHEN COALESCE(line.amount_accepted, 0) <= 0 THEN 'rejected'
                                   WHEN line.amount_accepted >= line.amount_claimed - 0.005 THEN 'accepted'
                                   ELSE 'partial' END,
                   rejection_code = CASE WHEN COALESCE(line.amount_accepted, 0) <= 0
                                         THEN COALESCE(line.rejection_code, claim.rejection_reason, 'REJECTED')
                                         ELSE line.rejection_code END
              FROM warranty_claim claim
             WHERE claim.id = line.claim_id AND line.decision = 'pending'
               AND claim.state IN ('accepted', 'partially_accepted', 'rejected', 'paid')
        """)
        return result

    @api.constrains("job_id", "claim_id")
    def _check_job_of_the_claimed_repair(self):
        for line in self.filtered("job_id"):
            if line.job_id.repair_id != line.claim_id.repair_id:
                raise ValidationError(
                    _(
                        "%(line)s: the job %(job)s is not a job of the claimed repair.",
                        line=line.name,
                        job=line.job_id.display_name,
                    )
                )

    @api.constrains("reason_code_id", "claim_id")
    def _check_reason_code_manufacturer(self):
        for line in self.filtered("reason_code_id"):
            if line.reason_code_id.manufacturer_id != line.claim_id.manufacturer_id:
                raise ValidationError(
                    _(
                        "%(line)s: reason code %(code)s is %(other)s's, the claim was made to %(manufacturer)s.",
                        line=line.name,
                        code=line.reason_code_id.code,
                        other=line.reason_code_id.manufacturer_id.name,
                        manufacturer=line.claim_id.manufacturer_id.name,
                    )
                )

    @api.depends("quantity", "price_unit")
    def _compute_amount_claimed(self):
        for line in self:
            line.amount_claimed = (
                line.currency_id.round(line.quantity * line.price_unit)
                if line.currency_id
                else line.quantity * line.price_unit
            )

    @api.depends("amount_claimed", "amount_accepted", "claim_id.state")
    def _compute_amount_rejected(self):
        for line in self:
            decided = line.claim_id.state in ("accepted", "partially_accepted", "rejected", "paid")
            line.amount_rejected = line.amount_claimed - line.amount_accepted if decided else 0.0

    # Not on the operation's standard time nor on the guide: a line keeps the hours it was claimed with when the
    # manufacturer's terms change later (its unit and date are frozen once the claim is sent)
    @api.depends("labor_operation_id", "claim_id.lot_id", "claim_id.repair_date", "claim_id.product_id")
    def _compute_guide_hours(self):
        questions = {
            line: (
                line.labor_operation_id._origin, line.claim_id.lot_id.name or "", line.claim_id.repair_date,
                line.claim_id.product_id.product_tmpl_id._origin,
            )
            for line in self
        }
        answers = self.env["warranty.labor.time.guide"]._find_guides(list(set(questions.values())))
        for line, question in questions.items():
            guide = answers.get(question)
            line.guide_hours = guide.hours if guide else line.labor_operation_id.standard_hours

    @api.constrains("quantity", "labor_operation_id", "hours_override_reason", "guide_hours")
    def _check_standard_hours(self):
        for line in self.filtered(lambda line: line.line_type == "labor" and line.guide_hours):
            over = line.quantity > line.guide_hours
            if over and not (line.hours_override_reason or "").strip():
                raise ValidationError(
                    _(
                        "%(line)s: %(hours)s h claimed for a standard time of %(standard)s h. Enter why the standard "
                        "time was exceeded, or the manufacturer pays the standard time only.",
                        line=line.name,
                        hours=line.quantity,
                        standard=line.guide_hours,
                    )
                )

    @api.constrains("quantity", "amount_accepted", "amount_claimed", "decision", "rejection_code")
    def _check_amounts(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(_("%(line)s: a claim line must have a positive quantity.", line=line.name))
            currency = line.currency_id
            if line.amount_accepted < 0 or currency.compare_amounts(line.amount_accepted, line.amount_claimed) > 0:
                raise ValidationError(
                    _(
                        "%(line)s: the manufacturer cannot accept %(accepted)s when %(claimed)s was claimed.",
                        line=line.name,
                        accepted=line.amount_accepted,
                        claimed=line.amount_claimed,
                    )
                )
            zero = currency.is_zero(line.amount_accepted)
            if line.decision == "rejected" and not (line.rejection_code or "").strip():
                raise ValidationError(
                    _(
                        "%(line)s: 0.00 accepted means the manufacturer rejected the line; enter its rejection code.",
                        line=line.name,
                    )
                )
            if line.decision == "rejected" and not zero:
                raise ValidationError(_("%(line)s: a rejected line is paid 0.00.", line=line.name))
            if line.decision == "pending" and not zero:
                raise ValidationError(
                    _(
                        "%(line)s: an amount accepted is a decision; the line cannot stay pending.",
                        line=line.name,
                    )
                )
            if line.decision == "accepted" and currency.compare_amounts(line.amount_accepted, line.amount_claimed):
                raise ValidationError(
                    _(
                        "%(line)s: accepted in full means %(claimed)s accepted, not %(accepted)s.",
                        line=line.name,
                        claimed=line.amount_claimed,
                        accepted=line.amount_accepted,
                    )
                )
            if line.decision == "partial" and (
                zero or currency.compare_amounts(line.amount_accepted, line.amount_claimed) >= 0
            ):
                raise ValidationError(
                    _(
                        "%(line)s: partially accepted means more than 0.00 and less than the %(claimed)s claimed.",
                        line=line.name,
                        claimed=line.amount_claimed,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        claims = self.env["warranty.claim"].browse({vals.get("claim_id") for vals in vals_list if vals.get("claim_id")})
        self._check_claims_draft(claims)
        if not self.env.su:
            self._check_line_group(
                "warranty_service.group_warranty_workshop",
                _("Only the workshop or a Warranty Manager prepares warranty claims."),
            )
            for vals in vals_list:
                decided = [name for name in LINE_DECISION_FIELDS & set(vals) if vals[name] and vals[name] != "pending"]
                if decided or LINE_COMPUTED_FIELDS & set(vals):
                    raise AccessError(
                        _(
                            "A new claim line is not decided yet: the manufacturer's decision is recorded once the "
                            "claim is submitted."
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("reason_code_id") and "rejection_code" not in vals:
            # The manufacturer's code says it: the line's rejection code is the reason code's
            reason = self.env["warranty.claim.reason.code"].browse(vals["reason_code_id"])
            vals = {**vals, "rejection_code": reason.code}
        names = set(vals)
        if "claim_id" in names and any(line.claim_id.id != vals["claim_id"] for line in self):
            raise UserError(_("A claim line belongs to its claim: it cannot be moved to another claim."))
        if names & LINE_CONTENT_FIELDS:
            self._check_claims_draft(self.claim_id)
            if not self.env.su:
                self._check_line_group(
                    "warranty_service.group_warranty_workshop",
                    _("Only the workshop or a Warranty Manager prepares warranty claims."),
                )
        if not self.env.su:
            if names & LINE_COMPUTED_FIELDS:
                raise AccessError(_("The claimed and rejected amounts of a claim line are computed, not written."))
            if names & LINE_DECISION_FIELDS:
                self.claim_id._check_decision_rights()
                undecidable = self.claim_id.filtered(lambda c: c.state != "submitted")
                if undecidable:
                    raise UserError(
                        _(
                            "Claim %(name)s is not waiting for the manufacturer's decision: its lines' decisions "
                            "cannot be changed.",
                            name=undecidable[0].name,
                        )
                    )
        if self and names & {"decision", "amount_accepted"}:
            # Each group of lines gets the decision and the amount that go together, checked as one
            for lines, line_vals in self._split_decision_vals(vals):
                super(WarrantyClaimLine, lines).write(line_vals)
            return True
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        self._check_claims_draft(self.claim_id)

    def _split_decision_vals(self, vals):
        """The decision and the amount accepted say the same thing: one written alone sets the other.

        0.00 accepted is a rejection (which needs a rejection code), the claimed amount an acceptance in full,
        an amount in between a partial acceptance. ``accepted`` alone means the claimed amount, ``rejected`` and
        ``pending`` 0.00. Returns ``[(lines, vals)]``.
        """
        if "decision" in vals and "amount_accepted" in vals:
            return [(self, vals)]
        if "decision" in vals:
            if vals["decision"] in ("rejected", "pending"):
                return [(self, {**vals, "amount_accepted": 0.0})]
            if vals["decision"] == "accepted":
                return [
                    (lines, {**vals, "amount_accepted": amount})
                    for amount, lines in self.grouped("amount_claimed").items()
                ]
            return [(self, vals)]
        by_decision = defaultdict(lambda: self.browse())
        for line in self:
            by_decision[line._get_decision_of_amount(vals["amount_accepted"] or 0.0)] |= line
        return [(lines, {**vals, "decision": decision}) for decision, lines in by_decision.items()]

    def _get_decision_of_amount(self, amount):
        self.ensure_one()
        currency = self.currency_id
        if currency.is_zero(amount):
            return "rejected"
        if currency.compare_amounts(amount, self.amount_claimed) >= 0:
            # Above the claim: the constraint refuses it with its own message
            return "accepted"
        return "partial"

    def _get_decision_label(self):
        self.ensure_one()
        return dict(self._fields["decision"]._description_selection(self.env))[self.decision]

    def _check_line_group(self, group, message):
        if not self.env.user.has_group(group):
            raise AccessError(message)

    @api.model
    def _check_claims_draft(self, claims):
        sent = claims.filtered(lambda c: c.state != "draft")
        if sent:
            raise UserError(
                _(
                    "Claim %(name)s was sent to the manufacturer: its lines cannot be added, changed or deleted any "
                    "more. Once the manufacturer has decided, correct it with Resubmit (a new revision).",
                    name=sent[0].name,
                )
            )

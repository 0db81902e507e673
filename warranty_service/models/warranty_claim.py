from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

# Written by the action methods only (they write with sudo), never through write()/create() of a user: the
# life cycle, the money booked and the numbering
CLAIM_ACTION_FIELDS = frozenset({
    "name", "state", "submission_date", "revision", "is_accrued", "write_off_move_id", "amount_written_off",
    "rebill_move_id", "rebill_reason", "date_paid", "invoice_ids", "deadline_date", "amount_claimed",
    "amount_accepted", "amount_rejected", "reimbursement_state", "amount_paid", "amount_open", "days_to_payment",
    "amount_short", "acceptance_rate", "return_picking_id", "manufacturer_return_picking_id",
    "amount_short_paid_off", "days_to_payment_weighted", "amount_charged_back", "amount_allowance",
})
# Set when the claim is made: what it is about never changes afterwards
CLAIM_FIXED_FIELDS = frozenset({"company_id", "repair_id", "recall_id", "registration_id"})
# What the claim says: the workshop writes it while the claim is a draft, then it is frozen for everyone
CLAIM_CONTENT_FIELDS = frozenset({
    "manufacturer_id", "lot_id", "product_id", "partner_id", "failure_date", "repair_date", "odometer_km",
    "defect_code_ids", "causal_part_id", "failure_cause", "late_reason",
})


class WarrantyClaim(models.Model):
    _name = "warranty.claim"
    _description = "Warranty Claim"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "deadline_date, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "manufacturer_reference", "lot_id.name"]

    name = fields.Char(string="Claim Number", required=True, readonly=True, copy=False, index="trigram",
                       default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True, index=True, tracking=True,
                                      check_company=True)
    # The repair and the unit
    repair_id = fields.Many2one("repair.order", string="Repair Order", index="btree_not_null", check_company=True,
                                readonly=True)
    registration_id = fields.Many2one("warranty.registration", string="Warranty Registration", check_company=True)
    recall_id = fields.Many2one(
        "warranty.recall",
        string="Recall Campaign",
        index="btree_not_null",
        check_company=True,
        readonly=True,
        help="The campaign whose work this claim charges, at the campaign's terms.",
    )
    lot_id = fields.Many2one("stock.lot", string="Serial Number", check_company=True, index="btree_not_null")
    product_id = fields.Many2one("product.product", string="Unit", check_company=True)
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True)
    failure_date = fields.Date(tracking=True)
    repair_date = fields.Date(
        tracking=True,
        help="The day the repair was completed; a claim made from a repair takes it from the repair.",
    )
    odometer_km = fields.Integer(string="Odometer (km)")
    defect_code_ids = fields.Many2many("warranty.defect.code", string="Defect Codes", check_company=True)
    causal_part_id = fields.Many2one("product.product", string="Causal Part", check_company=True)
    failure_cause = fields.Text()
    # Money
    line_ids = fields.One2many("warranty.claim.line", "claim_id", string="Lines", copy=True)
    amount_claimed = fields.Monetary(string="Claimed", compute="_compute_amounts", store=True, tracking=True)
    amount_accepted = fields.Monetary(string="Accepted", compute="_compute_amounts", store=True, tracking=True)
    amount_rejected = fields.Monetary(string="Rejected", compute="_compute_amounts", store=True)
    # Life cycle
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("accepted", "Accepted"),
            ("partially_accepted", "Partially Accepted"),
            ("rejected", "Rejected"),
            ("paid", "Paid"),
            ("cancel", "Cancelled"),
        ],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        # The kanban shows the life cycle in its order, with its empty columns (core's ordered stages)
        group_expand="_group_expand_states",
        help="Draft: being prepared from the repair.\nSubmitted: sent to the manufacturer, waiting for a decision.\n"
        "Accepted / Partially Accepted: the manufacturer pays all / part of the claim.\n"
        "Rejected: the manufacturer pays nothing; it may be corrected and resubmitted as a new revision.\n"
        "Paid: the reimbursement was received.\nCancelled: withdrawn.",
    )
    submission_date = fields.Date(string="Submitted On", readonly=True, copy=False)
    deadline_date = fields.Date(
        string="Deadline",
        compute="_compute_deadline_date",
        store=True,
        index=True,
        help="Last day to submit: the repair date plus the manufacturer's claim deadline. Only a Warranty "
        "Manager submits a claim after it, with the reason.",
    )
    deadline_state = fields.Selection(
        [("ok", "On Time"), ("soon", "Due Soon"), ("overdue", "Overdue")],
        compute="_compute_deadline_state",
        string="Deadline Status",
    )
    is_warranty_manager = fields.Boolean(
        compute="_compute_is_warranty_manager",
        help="The current user may move the repair date and submit late (the form opens those fields to them).",
    )
    late_reason = fields.Text(
        string="Late Submission Reason",
        tracking=True,
        copy=False,
        help="Why a Warranty Manager let this claim go out after its deadline.",
    )
    manufacturer_reference = fields.Char(
        tracking=True, copy=False, index="btree_not_null"
    )
    rejection_reason = fields.Text(tracking=True, copy=False)
    revision = fields.Integer(
        default=0,
        readonly=True,
        copy=False,
        tracking=True,
        help="How many times the claim was resubmitted after a rejection.",
    )
    return_picking_id = fields.Many2one(
        "stock.picking",
        string="Returned Parts",
        readonly=True,
        copy=False,
        check_company=True,
        help="The parts set aside in the warranty returns.",
    )
    # Reimbursement
    invoice_ids = fields.Many2many(
        "account.move",
        "warranty_claim_account_move_rel",
        "claim_id",
        "move_id",
        string="Reimbursement Documents",
        copy=False,
        readonly=True,
        check_company=True,
        help="The invoice to the manufacturer, or the credit note expected from it.",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    reimbursement_state = fields.Selection(
        [("not_invoiced", "Not Invoiced"), ("invoiced", "Invoiced"), ("partial", "Partially Paid"), ("paid", "Paid")],
        string="Reimbursement",
        compute="_compute_amount_paid",
        store=True,
        index=True,
    )
    amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_amount_paid",
        store=True,
        help="What the manufacturer has paid of the accepted amount: the claim's own lines of its invoices "
        "reconciled with payments, remittances or netting entries.",
    )
    amount_short_paid_off = fields.Monetary(
        string="Short Pay Written Off",
        compute="_compute_amount_paid",
        store=True,
        help="What the manufacturer paid short within its tolerance, written off to the short-pay account when the "
        "remittance was reconciled: the claim is settled without it.",
    )
    amount_open = fields.Monetary(
        string="Still Owed",
        compute="_compute_amount_paid",
        store=True,
        help="Accepted but not paid yet.",
    )
    date_paid = fields.Date(string="Paid On", readonly=True, copy=False)
    days_to_payment = fields.Integer(
        string="Days to Payment",
        compute="_compute_days_to_payment",
        store=True,
        aggregator="avg",
        help="Days from submission to payment; the average counts the paid claims only.",
    )
    days_to_payment_weighted = fields.Float(
        string="Days to Payment (weighted)",
        compute="_compute_days_to_payment",
        store=True,
        aggregator="avg",
        digits=(16, 1),
        help="Days from submission to payment; the average counts the paid claims only, each in proportion to what "
        "it was paid.",
    )
    amount_short = fields.Monetary(
        string="Short Paid",
        compute="_compute_amount_short",
        store=True,
        help="What the manufacturer pays less than claimed: claimed minus accepted, and once it paid, claimed minus "
        "paid.",
    )
    acceptance_rate = fields.Float(
        string="Acceptance (%)",
        compute="_compute_acceptance_rate",
        store=True,
        aggregator="avg",
        help="Accepted amount as a share of the claimed amount, once decided. Of a group of claims: the accepted "
        "amount of its decided claims as a share of their claimed amount (undecided claims are not counted).",
    )
    amount_to_invoice = fields.Monetary(
        string="To Invoice",
        compute="_compute_amount_to_invoice",
        help="Accepted but not billed to the manufacturer yet (after a resubmission: the increase only).",
    )
    # Claims accounting: booked as owed at submission, cleared by the invoice and the write-off
    is_accrued = fields.Boolean(
        string="Booked at Submission",
        readonly=True,
        copy=False,
        help="The claimed amount was booked as owed (claims to invoice) when the claim was submitted.",
    )
    write_off_move_id = fields.Many2one(
        "account.move",
        string="Write-off Entry",
        readonly=True,
        copy=False,
        check_company=True,
        help="The entry that moved the rejected amount to the write-off account.",
    )
    amount_written_off = fields.Monetary(string="Written Off", readonly=True, copy=False, tracking=True)
    rebill_move_id = fields.Many2one(
        "account.move",
        string="Re-billed to Customer",
        readonly=True,
        copy=False,
        check_company=True,
        help="The customer invoice of the rejected amount, when a Warranty Manager decided the customer pays it.",
    )
    rebill_reason = fields.Text(string="Re-billing Reason", readonly=True, copy=False, tracking=True)
    manufacturer_return_picking_id = fields.Many2one(
        "stock.picking",
        string="Shipment to Manufacturer",
        readonly=True,
        copy=False,
        check_company=True,
    )

    amount_allowance = fields.Monetary(
        string="Doubtful (Allowance)", readonly=True, copy=False,
        help="What the last month-end booked of this claim in the allowance for doubtful claims: owed for longer "
        "than the company's days (Settings).",
    )
    # Month-end: what the manufacturer's audits took back of the claim once paid
    chargeback_line_ids = fields.One2many("warranty.claim.chargeback.line", "claim_id", string="Chargebacks")
    amount_charged_back = fields.Monetary(
        string="Charged Back", compute="_compute_amount_charged_back", store=True,
        help="What the manufacturer's audits took back of this paid claim (booked or disputed, not reversed).",
    )

    _sql_constraints = [
        ("name_company_uniq", "UNIQUE(name, company_id)", "A claim number must be unique."),
        # Parallel "Create Warranty Claim" clicks on one repair: only the database can refuse all but one
        (
            "repair_open_claim_uniq",
            "EXCLUDE (repair_id WITH =) WHERE (repair_id IS NOT NULL AND state != 'cancel')",
            "This repair already has a warranty claim: open it from the repair instead of creating another one.",
        ),
    ]

    def _group_expand_states(self, states, domain):
        # Cancelled claims are out of the flow: their column shows only when some are listed
        return [state for state, __ in self._fields["state"].selection if state != "cancel" or state in states]

    @api.model
    def _read_group_fill_results(self, domain, groupby, annoted_aggregates, read_group_result, read_group_order=None):
        result = super()._read_group_fill_results(
            domain, groupby, annoted_aggregates, read_group_result, read_group_order=read_group_order
        )
        if groupby == "state":
            # Paid and cancelled claims are closed: folded as core folds its last stages, the board keeps the
            # claims still moving in view
            for line in result:
                line["__fold"] = line.get("state") in ("paid", "cancel")
        return result

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # An unpaid claim has no payment delay yet: the average of days to payment counts the paid claims only
        if aggregate_spec == "days_to_payment:avg":
            return SQL(
                "AVG(CASE WHEN %s IS NOT NULL THEN %s END)",
                self._field_to_sql(self._table, "date_paid", query),
                self._field_to_sql(self._table, "days_to_payment", query),
            )
        # ... and weighted by what each paid claim was paid: a 2,000.00 claim waited for counts more than a 20.00 one
        if aggregate_spec == "days_to_payment_weighted:avg":
            paid = self._field_to_sql(self._table, "date_paid", query)
            amount = self._field_to_sql(self._table, "amount_paid", query)
            return SQL(
                "SUM(CASE WHEN %s IS NOT NULL THEN %s * %s END) / NULLIF(SUM(CASE WHEN %s IS NOT NULL THEN %s END), 0)",
                paid, self._field_to_sql(self._table, "days_to_payment", query), amount, paid, amount,
            )
        # The acceptance rate of a group is what was accepted of what was decided: weighted by the amounts, and
        # the claims still waiting for a decision are not counted as refused
        if aggregate_spec == "acceptance_rate:avg":
            decided = SQL(
                "%s IN ('accepted', 'partially_accepted', 'rejected', 'paid')",
                self._field_to_sql(self._table, "state", query),
            )
            return SQL(
                "100.0 * SUM(CASE WHEN %s THEN %s END) / NULLIF(SUM(CASE WHEN %s THEN %s END), 0)",
                decided, self._field_to_sql(self._table, "amount_accepted", query),
                decided, self._field_to_sql(self._table, "amount_claimed", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @api.depends("line_ids.amount_claimed", "line_ids.amount_accepted", "state")
    def _compute_amounts(self):
        for claim in self:
            claim.amount_claimed = sum(claim.line_ids.mapped("amount_claimed"))
            decided = claim.state in ("accepted", "partially_accepted", "rejected", "paid")
            claim.amount_accepted = sum(claim.line_ids.mapped("amount_accepted")) if decided else 0.0
            claim.amount_rejected = claim.amount_claimed - claim.amount_accepted if decided else 0.0

    @api.depends_context("uid")
    def _compute_is_warranty_manager(self):
        self.is_warranty_manager = self._is_warranty_manager()

    def _compute_invoice_count(self):
        for claim in self:
            claim.invoice_count = len(claim.invoice_ids)

    @api.depends(
        "amount_accepted", "state", "invoice_ids.state", "invoice_ids.payment_state",
        "invoice_ids.line_ids.amount_residual",
    )
    def _compute_amount_paid(self):
        """What each claim was paid, from its own lines of its reimbursement documents actually reconciled.

        A reimbursement document has a receivable (payable) line per claim: a payment, a remittance or a netting
        entry reconciled with it pays that claim and no other. A claim is paid when its own lines are, whatever
        the rest of a grouped invoice. A credit note cancelling the invoice pays nothing; a short pay written off
        within the manufacturer's tolerance settles the claim without being paid (``amount_short_paid_off``).
        """
        settlements = self._get_settlements()
        for claim in self:
            settled, residual, tagged, __ = settlements.get(claim.id, (0.0, 0.0, False, False))
            documents = claim.invoice_ids.filtered(
                lambda move: move.state != "cancel" and move.payment_state != "reversed"
            )
            posted = documents.filtered(lambda move: move.state == "posted")
            round_ = claim.currency_id.round if claim.currency_id else (lambda amount: amount)
            short_off = settlements.get(("short", claim.id), 0.0)
            if tagged:
                paid = round_(settled - short_off)
                if not documents:
                    state = "not_invoiced"
                elif posted == documents and claim.currency_id.is_zero(residual):
                    state = "paid"
                elif not claim.currency_id.is_zero(settled):
                    state = "partial"
                else:
                    state = "invoiced"
            else:
                # Documents booked before each claim had lines of its own: shared in proportion, as they were
                paid, state = claim._get_legacy_settlement(documents, posted)
            claim.reimbursement_state = state
            claim.amount_paid = paid
            claim.amount_short_paid_off = round_(short_off)
            decided = claim.state in ("accepted", "partially_accepted", "paid")
            claim.amount_open = round_(claim.amount_accepted - paid - short_off) if decided else 0.0

    def _get_legacy_settlement(self, documents, posted):
        self.ensure_one()
        paid = 0.0
        for move in posted.filtered("amount_total"):
            share = sum(move.invoice_line_ids.filtered(lambda line: line.warranty_claim_id == self)
                        .mapped("price_subtotal"))
            paid += share * (1 - move.amount_residual / move.amount_total)
        if not documents:
            state = "not_invoiced"
        elif posted and posted == documents and all(move.payment_state in ("paid", "in_payment") for move in posted):
            state = "paid"
        elif any(move.payment_state in ("partial", "paid", "in_payment") for move in posted):
            state = "partial"
        else:
            state = "invoiced"
        return self.currency_id.round(paid), state

    def _get_settlements(self):
        """Per claim id: (settled, still owed, has lines of its own, last settlement date) on its posted documents;
        per ("short", claim id): the short pay written off. Three grouped queries for all the claims."""
        # Only claims with reimbursement documents were ever paid: a decision file of thousands of claims not
        # invoiced yet costs no query here
        ids = [claim.id for claim in self.filtered("invoice_ids") if isinstance(claim.id, int)]
        if not ids:
            return {}
        self.env["account.move.line"].flush_model(
            ["amount_residual", "warranty_claim_id", "display_type", "move_id", "account_id", "balance",
             "parent_state"]
        )
        self.env["account.move"].flush_model(["state", "move_type", "payment_state", "reversed_entry_id"])
        self.env["account.partial.reconcile"].flush_model()
        result = {}
        self.env.cr.execute(SQL(
            """
            SELECT term.warranty_claim_id, SUM(ABS(term.amount_residual))
              FROM account_move_line term
              JOIN account_move move ON move.id = term.move_id
             WHERE term.warranty_claim_id IN %(ids)s
               AND term.display_type = 'payment_term'
               AND move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'in_refund')
               AND move.payment_state != 'reversed'
          GROUP BY term.warranty_claim_id
            """,
            ids=tuple(ids),
        ))
        for claim_id, residual in self.env.cr.fetchall():
            result[claim_id] = [0.0, residual, True, False]
        # Reconciled with anything but the credit note cancelling the document (or the document it cancels)
        self.env.cr.execute(SQL(
            """
            SELECT term.warranty_claim_id, SUM(partial.amount), MAX(other.date)
              FROM account_move_line term
              JOIN account_move move ON move.id = term.move_id
              -- Each side of the partials on its own index (an OR on both columns would scan them all)
              JOIN LATERAL (
                    SELECT amount, credit_move_id AS other_id
                      FROM account_partial_reconcile
                     WHERE debit_move_id = term.id
                 UNION ALL
                    SELECT amount, debit_move_id
                      FROM account_partial_reconcile
                     WHERE credit_move_id = term.id
              ) partial ON TRUE
              JOIN account_move_line other ON other.id = partial.other_id
              JOIN account_move other_move ON other_move.id = other.move_id
             WHERE term.warranty_claim_id IN %(ids)s
               AND term.display_type = 'payment_term'
               AND move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'in_refund')
               AND other_move.reversed_entry_id IS DISTINCT FROM move.id
               AND move.reversed_entry_id IS DISTINCT FROM other_move.id
          GROUP BY term.warranty_claim_id
            """,
            ids=tuple(ids),
        ))
        for claim_id, settled, last_date in self.env.cr.fetchall():
            values = result.setdefault(claim_id, [0.0, 0.0, True, False])
            values[0], values[3] = settled, last_date
        short_accounts = tuple(self.company_id.warranty_short_pay_account_id.ids)
        if short_accounts:
            self.env.cr.execute(SQL(
                """
                SELECT warranty_claim_id, SUM(balance)
                  FROM account_move_line
                 WHERE warranty_claim_id IN %(ids)s
                   AND account_id IN %(accounts)s
                   AND parent_state = 'posted'
              GROUP BY warranty_claim_id
                """,
                ids=tuple(ids),
                accounts=short_accounts,
            ))
            for claim_id, balance in self.env.cr.fetchall():
                result["short", claim_id] = balance
        return {key: tuple(value) if isinstance(value, list) else value for key, value in result.items()}

    @api.depends("chargeback_line_ids.amount", "chargeback_line_ids.state")
    def _compute_amount_charged_back(self):
        for claim in self:
            claim.amount_charged_back = sum(
                claim.chargeback_line_ids.filtered(lambda line: line.state in ("posted", "disputed")).mapped("amount")
            )

    def _compute_amount_to_invoice(self):
        invoiced = self._get_invoiced_by_line()
        for claim in self:
            decided = claim.state in ("accepted", "partially_accepted", "paid")
            claim.amount_to_invoice = (
                sum(line.amount_accepted - invoiced[line.id] for line in claim.line_ids) if decided else 0.0
            )

    @api.depends("date_paid", "submission_date")
    def _compute_days_to_payment(self):
        for claim in self:
            if claim.date_paid and claim.submission_date:
                claim.days_to_payment = (claim.date_paid - claim.submission_date).days
            else:
                claim.days_to_payment = 0
            claim.days_to_payment_weighted = claim.days_to_payment

    @api.depends("amount_claimed", "amount_accepted", "amount_paid", "state", "reimbursement_state")
    def _compute_amount_short(self):
        for claim in self:
            if claim.state not in ("accepted", "partially_accepted", "paid"):
                claim.amount_short = 0.0
                continue
            # What comes in: the payments once the manufacturer paid (a remittance may pay less than the
            # invoice), before that what it accepted
            received = claim.amount_paid if claim.reimbursement_state in ("partial", "paid") else claim.amount_accepted
            short = claim.amount_claimed - received
            claim.amount_short = short if claim.currency_id.compare_amounts(short, 0.0) > 0 else 0.0

    @api.depends("amount_claimed", "amount_accepted", "state")
    def _compute_acceptance_rate(self):
        for claim in self:
            decided = claim.state in ("accepted", "partially_accepted", "rejected", "paid")
            claim.acceptance_rate = (
                100.0 * claim.amount_accepted / claim.amount_claimed if decided and claim.amount_claimed else 0.0
            )

    @api.depends("repair_date", "manufacturer_id")
    def _compute_deadline_date(self):
        for claim in self:
            days = claim.manufacturer_id.warranty_claim_deadline_days
            claim.deadline_date = claim.repair_date + timedelta(days=days) if claim.repair_date and days else False

    @api.depends("deadline_date", "state")
    @api.depends_context("date")
    def _compute_deadline_state(self):
        today = fields.Date.context_today(self)
        for claim in self:
            if claim.state != "draft" or not claim.deadline_date:
                claim.deadline_state = "ok"
            elif claim.deadline_date < today:
                claim.deadline_state = "overdue"
            elif claim.deadline_date <= today + timedelta(days=3):
                claim.deadline_state = "soon"
            else:
                claim.deadline_state = "ok"

    @api.constrains("defect_code_ids", "company_id")
    def _check_defect_codes_company(self):
        # check_company on a many2many passes when one of the records fits: each code must. sudo: the codes of
        # another company are exactly those the user cannot read
        for claim in self.sudo():
            foreign = claim.defect_code_ids.filtered(
                lambda code, claim=claim: code.company_id not in (claim.company_id, code.browse())
            )
            if foreign:
                raise ValidationError(
                    _(
                        "Defect code %(code)s belongs to %(company)s: claim %(name)s of %(claim_company)s uses its own "
                        "company's codes.",
                        code=foreign[0].code,
                        company=foreign[0].company_id.name,
                        name=claim.name,
                        claim_company=claim.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_create_rights(vals_list)
        # A claim made from a repair states the repair's date and registration: the deadline and the coverage
        # run from them, and only a Warranty Manager states another repair date
        is_manager = self._is_warranty_manager()
        for vals in vals_list:
            if vals.get("repair_id"):
                repair = self.env["repair.order"].browse(vals["repair_id"])
                vals["registration_id"] = repair.warranty_registration_id.id
                if not (is_manager and vals.get("repair_date")):
                    vals["repair_date"] = self._get_repair_date(repair)
        new = self.env._("New")
        # Each manufacturer numbers its own claims: one allocation per manufacturer, not per claim
        to_name = defaultdict(list)
        for vals in vals_list:
            if vals.get("name", new) in (new, False):
                to_name[vals["manufacturer_id"]].append(vals)
        for manufacturer_id, manufacturer_vals in to_name.items():
            sequence = self.env["res.partner"].browse(manufacturer_id)._get_warranty_claim_sequence()
            for vals, name in zip(manufacturer_vals, sequence._next_batch(len(manufacturer_vals)), strict=False):
                vals["name"] = name
        return super().create(vals_list)

    def write(self, vals):
        self._check_write_rights(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(claim.state not in ("draft", "cancel") for claim in self):
            raise UserError(_("A claim sent to the manufacturer cannot be deleted: cancel it instead."))

    def action_submit(self):
        """Send the claim to the manufacturer: complete, on time (or overridden), parts set aside."""
        self._check_group(
            "warranty_service.group_warranty_workshop",
            _("Only the workshop or a Warranty Manager submits warranty claims."),
        )
        today = fields.Date.context_today(self)
        is_manager = self._is_warranty_manager()
        for claim in self:
            if claim.state != "draft":
                raise UserError(_("Claim %(name)s is not a draft: it cannot be submitted.", name=claim.name))
            missing = []
            if not claim.line_ids:
                missing.append(_("lines"))
            if not claim.defect_code_ids:
                missing.append(_("a defect code"))
            if not claim.causal_part_id:
                missing.append(_("the causal part"))
            if missing:
                raise UserError(
                    _(
                        "Claim %(name)s is incomplete: add %(missing)s before submitting it.",
                        name=claim.name,
                        missing=", ".join(missing),
                    )
                )
            if claim.deadline_date and claim.deadline_date < today:
                if not (claim.late_reason or "").strip():
                    raise UserError(
                        _(
                            "Claim %(name)s is past its deadline (%(deadline)s): a Warranty Manager must enter the "
                            "reason for the late submission.",
                            name=claim.name,
                            deadline=format_date(self.env, claim.deadline_date),
                        )
                    )
                if not is_manager:
                    raise AccessError(
                        _(
                            "Claim %(name)s is past its deadline: only a Warranty Manager can submit it late.",
                            name=claim.name,
                        )
                    )
        self._check_claims_accounting()
        # sudo: the state and the submission date are written by this action only (see _check_write_rights)
        self.sudo().write({"state": "submitted", "submission_date": today})
        self._set_aside_returned_parts()
        self._post_submission_accrual()
        return True

    def action_accept(self):
        """Record the manufacturer's decision: lines still pending are accepted in full, the claim follows its lines.

        Clicking *Accepted* means "what I did not decide line by line is paid as claimed": each pending line
        becomes ``accepted`` at its claimed amount. Lines already decided keep their decision (``partial``, or
        ``rejected`` at 0.00 with the manufacturer's rejection code). The claim is then Accepted (all lines
        accepted), Rejected (all rejected) or Partially Accepted.
        """
        self._check_decision_rights()
        self._check_decidable()
        lines = self.line_ids
        self._check_not_below_invoiced(
            {line: line.amount_claimed if line.decision == "pending" else line.amount_accepted for line in lines}
        )
        pending = lines.filtered(lambda line: line.decision == "pending")
        # sudo: decisions are written by the decision actions; the amount follows the decision per line
        pending.sudo().write({"decision": "accepted"})
        self._apply_line_decisions()
        # An earlier revision's write-off is undone: the manufacturer pays after all
        self.filtered(lambda c: c.state != "rejected" and c.write_off_move_id)._reverse_write_off()
        return True

    def action_reject(self, reason=None):
        """Record the manufacturer's rejection of the whole claim, with its reason."""
        self._check_decision_rights()
        self._check_decidable()
        self._check_not_below_invoiced({line: 0.0 for line in self.line_ids})
        for claim in self:
            claim_reason = reason or claim.rejection_reason
            if not (claim_reason or "").strip():
                raise UserError(_("Enter the manufacturer's reason for rejecting claim %(name)s.", name=claim.name))
            # sudo: state and decisions are written by the decision actions only
            claim.sudo().write({"rejection_reason": claim_reason, "state": "rejected"})
            # Every line is rejected; one without a code of its own carries the claim's reason as its code
            claim.line_ids.filtered(lambda line: not line.rejection_code).sudo().write({"rejection_code": claim_reason})
            claim.line_ids.sudo().write({"decision": "rejected", "amount_accepted": 0.0})
        return True

    def action_resubmit(self):
        """Reopen a rejected or partially accepted claim as a new revision, keeping its history."""
        self._check_group(
            "warranty_service.group_warranty_workshop",
            _("Only the workshop or a Warranty Manager corrects and resubmits warranty claims."),
        )
        for claim in self:
            if claim.state not in ("rejected", "partially_accepted"):
                raise UserError(
                    _(
                        "Only a rejected or partially accepted claim can be resubmitted (%(name)s).",
                        name=claim.name,
                    )
                )
            if claim.rebill_move_id and claim.rebill_move_id.state != "cancel":
                raise UserError(
                    _(
                        "The rejected amount of claim %(name)s was re-billed to the customer (%(invoice)s): cancel or "
                        "credit that invoice before resubmitting the claim.",
                        name=claim.name,
                        invoice=claim.rebill_move_id.display_name,
                    )
                )
        for claim in self:
            # The revision's figures stay in the history: the next revision starts from them in draft
            figures = "; ".join(
                self.env._(
                    "%(line)s: %(quantity)s x %(price)s = %(claimed)s, %(decision)s %(accepted)s%(code)s",
                    line=line.name,
                    quantity=line.quantity,
                    price=line.price_unit,
                    claimed=line.amount_claimed,
                    decision=line._get_decision_label(),
                    accepted=line.amount_accepted,
                    code=" (" + line.rejection_code + ")" if line.rejection_code else "",
                )
                for line in claim.line_ids
            )
            claim.message_post(
                body=_(
                    "Revision %(revision)s closed: %(accepted)s accepted of %(claimed)s claimed. %(reason)s "
                    "Lines: %(figures)s",
                    revision=claim.revision,
                    accepted=claim.amount_accepted,
                    claimed=claim.amount_claimed,
                    reason=claim.rejection_reason or "",
                    figures=figures,
                )
            )
            # sudo: the life cycle and the revision are written by this action only
            claim.sudo().write(
                {
                    "state": "draft",
                    "revision": claim.revision + 1,
                    "submission_date": False,
                    "rejection_reason": False,
                }
            )
        self.line_ids.sudo().write({"decision": "pending", "amount_accepted": 0.0, "rejection_code": False})
        return True

    def action_cancel(self):
        """Withdraw the claim: the workshop cancels its drafts, a Warranty Manager a claim already sent."""
        self._check_group(
            "warranty_service.group_warranty_workshop",
            _("Only the workshop or a Warranty Manager cancels warranty claims."),
        )
        for claim in self:
            if claim.state not in ("draft", "submitted", "rejected"):
                raise UserError(
                    _(
                        "Claim %(name)s is %(state)s: only a draft, submitted or rejected claim can be cancelled.",
                        name=claim.name,
                        state=claim._get_state_label(),
                    )
                )
        if any(claim.state != "draft" for claim in self) and not self._is_warranty_manager():
            raise AccessError(
                _("A claim sent to the manufacturer is withdrawn by a Warranty Manager only: cancel drafts only.")
            )
        # sudo: the state is written by the actions only
        self.sudo().write({"state": "cancel"})
        return True

    def action_create_invoice(self):
        """Book what the manufacturers accepted: an invoice per manufacturer, or the credit note expected from it."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_accountant"):
            raise AccessError(_("Only a Warranty Accountant or Manager books the reimbursement of claims."))
        invoiced = self._get_invoiced_by_line()
        for claim in self:
            if claim.state not in ("accepted", "partially_accepted"):
                raise UserError(_("Claim %(name)s is not accepted: there is nothing to invoice.", name=claim.name))
            if all(claim.currency_id.is_zero(line.amount_accepted - invoiced[line.id]) for line in claim.line_ids):
                raise UserError(_("Claim %(name)s is already invoiced.", name=claim.name))
        company = self.company_id
        if len(company) > 1:
            raise UserError(_("Invoice the claims of one company at a time."))
        if not company.warranty_parts_account_id or not company.warranty_labor_account_id:
            raise UserError(
                _("Set the warranty parts and labour recovery accounts in Warranty > Configuration > Settings first.")
            )
        if not company.warranty_accrual_account_id and any(self.mapped("is_accrued")):
            raise UserError(
                _(
                    "These claims were booked as owed when submitted: set the claims-to-invoice account in "
                    "Warranty > Configuration > Settings again."
                )
            )
        moves = self.env["account.move"]
        for manufacturer, claims in self.grouped("manufacturer_id").items():
            moves |= self.env["account.move"].create(claims._prepare_reimbursement_move_vals(manufacturer, invoiced))
        return self._action_open_moves(moves, _("Reimbursements"))

    @api.model
    def action_book_allowance(self):
        """Month-end: reverse last month's allowance for doubtful claims and book it anew for the claims still owed
        after the company's days. Returns the list of the claims in it (the report of the allowance)."""
        self._check_group(
            "warranty_service.group_warranty_accountant",
            _("Only a Warranty Accountant or Manager books the allowance for doubtful claims."),
        )
        company = self.env.company
        company._book_warranty_allowance(fields.Date.context_today(self))
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.claim",
            "name": _("Doubtful Claims"),
            "view_mode": "list,form",
            "views": [(self.env.ref("warranty_service.warranty_claim_view_list_doubtful").id, "list"), (False, "form")],
            "domain": [("amount_allowance", ">", 0), ("company_id", "=", company.id)],
            "context": {"create": False},
        }

    @api.model
    def _cron_book_allowance(self):
        """Scheduled on the 1st: the allowance of every company that set its accounts, as of the month's last day."""
        month_end = fields.Date.context_today(self).replace(day=1) - timedelta(days=1)
        for company in self.env["res.company"].search([
            ("warranty_allowance_account_id", "!=", False), ("warranty_allowance_expense_account_id", "!=", False),
        ]):
            company._book_warranty_allowance(month_end)
        return True

    def action_view_chargebacks(self):
        """The chargebacks of the claim."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "warranty.claim.chargeback", "name": _("Chargebacks"),
            "view_mode": "list,form", "domain": [("line_ids.claim_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_view_invoices(self):
        """Open the reimbursement documents of the claims."""
        return self._action_open_moves(self.invoice_ids, _("Reimbursements"))

    def action_print_reclamation_act(self):
        """Print the reclamation act that goes to the manufacturer with the part."""
        return self.env.ref("warranty_service.action_report_reclamation_act").report_action(self)

    def action_write_off(self):
        """Close the claims: what the manufacturer rejected goes, once, to the write-off account."""
        self._check_closable()
        company = self.company_id
        if not company.warranty_writeoff_account_id:
            raise UserError(
                _("Set the rejected claims write-off account in Warranty > Configuration > Settings first.")
            )
        amounts = self._get_amounts_to_close()
        line_vals = []
        for claim in self:
            amount = amounts[claim.id]
            line_vals += [
                {
                    "name": _("%(name)s: rejected by %(maker)s", name=claim.name, maker=claim.manufacturer_id.name),
                    "account_id": company.warranty_writeoff_account_id.id,
                    "balance": amount,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
                {
                    "name": claim.name,
                    "account_id": company.warranty_accrual_account_id.id,
                    "balance": -amount,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
            ]
        move = self._post_warranty_entry("write_off", _("Rejected warranty claims written off"), line_vals)
        for claim in self:
            # sudo: the write-off fields are written by this action only
            claim.sudo().write({"write_off_move_id": move.id, "amount_written_off": amounts[claim.id]})
            claim.message_post(
                body=_(
                    "%(amount)s rejected by the manufacturer written off (%(entry)s).",
                    amount=amounts[claim.id],
                    entry=move.name,
                )
            )
        return True

    def action_rebill_customer(self, reason=None):
        """A Warranty Manager decides the customer pays what the manufacturer rejected: a customer invoice."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager decides to re-bill a rejected claim to the customer."))
        if not (reason or "").strip():
            raise UserError(_("Enter why the customer pays what the manufacturer rejected."))
        self._check_closable()
        amounts = self._get_amounts_to_close()
        invoices = self.env["account.move"]
        for claim in self:
            if not claim.partner_id:
                raise UserError(_("Claim %(name)s has no customer to re-bill.", name=claim.name))
            # sudo: the Warranty Manager books this one invoice without being an accountant
            invoice = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": claim.partner_id.id,
                        "company_id": claim.company_id.id,
                        "invoice_origin": claim.name,
                        "warranty_entry_kind": "rebill",
                        "narration": reason,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": _(
                                        "%(name)s (%(unit)s): rejected by %(maker)s. %(reason)s",
                                        name=claim.name,
                                        unit=claim.lot_id.name or claim.product_id.display_name or "",
                                        maker=claim.manufacturer_id.name,
                                        reason=reason,
                                    ),
                                    "quantity": 1,
                                    "price_unit": amounts[claim.id],
                                    # It clears what was booked as owed by the manufacturer
                                    "account_id": claim.company_id.warranty_accrual_account_id.id,
                                    "warranty_claim_id": claim.id,
                                }
                            )
                        ],
                    }
                )
            )
            # sudo: the re-billing fields are written by this action only
            claim.sudo().write({"rebill_move_id": invoice.id, "rebill_reason": reason})
            invoices |= invoice
        return self._action_open_moves(invoices, _("Re-billed to Customers"))

    # Business helpers

    def _action_open_moves(self, moves, name):
        # As core's invoicing does: one document opens in its form, several in the invoice list
        # (customer, number, amounts), never a bare list of numbers
        action = {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": name,
            "context": {"create": False},
        }
        if len(moves) == 1:
            return {**action, "views": [(self.env.ref("account.view_move_form").id, "form")], "res_id": moves.id}
        return {
            **action,
            "views": [(self.env.ref("account.view_invoice_tree").id, "list"),
                      (self.env.ref("account.view_move_form").id, "form")],
            "domain": [("id", "in", moves.ids)],
        }

    def _check_claims_accounting(self):
        """Companies that book claims at submission need all their warranty accounts, before anything is written."""
        for company in self.company_id.filtered("warranty_accrual_account_id"):
            if not company.warranty_parts_account_id or not company.warranty_labor_account_id:
                raise UserError(
                    _(
                        "Set the warranty parts and labour recovery accounts in Warranty > Configuration > Settings "
                        "first: submitted claims are booked on them."
                    )
                )

    def _get_invoiced_by_line(self, posted_only=False):
        """What is billed of each claim line: invoices and expected credit notes, less their own credit notes."""
        invoiced = defaultdict(float)
        if not self.line_ids:
            return invoiced
        domain = [("warranty_claim_line_id", "in", self.line_ids.ids), ("display_type", "=", "product")]
        domain.append(("parent_state", "=", "posted") if posted_only else ("parent_state", "!=", "cancel"))
        # sudo: warranty engineers decide claims without reading the books; only totals come back
        for line, move_type, subtotal in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                domain,
                ["warranty_claim_line_id", "move_type"],
                ["price_subtotal:sum"],
            )
        ):
            invoiced[line.id] += subtotal if move_type in ("out_invoice", "in_refund") else -subtotal
        return invoiced

    def _check_not_below_invoiced(self, decisions):
        """A new decision may not take back what is already billed: the manufacturer's invoice needs a credit note."""
        invoiced = self._get_invoiced_by_line()
        for line, accepted in decisions.items():
            if line.currency_id.compare_amounts(accepted, invoiced[line.id]) < 0:
                raise UserError(
                    _(
                        "Claim %(name)s is already invoiced for %(amount)s on %(line)s: issue a credit note on that "
                        "invoice before recording a lower decision.",
                        name=line.claim_id.name,
                        amount=invoiced[line.id],
                        line=line.name,
                    )
                )

    def _post_submission_accrual(self):
        """Book the claimed amount as owed by the manufacturer (against the recovery income) when it is submitted.

        A resubmitted revision books only its difference with what was booked before. Claims invoiced before the
        company booked claims at submission keep being booked at invoicing, so nothing is counted twice.
        """
        claims = self.filtered(
            lambda c: c.company_id.warranty_accrual_account_id and (c.is_accrued or not c.invoice_ids)
        )
        if not claims:
            return
        booked = defaultdict(float)
        # sudo: the engineer who submits keeps no accounting rights; the entry is the company's
        for claim, account, balance in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("warranty_claim_id", "in", claims.ids),
                    ("move_id.warranty_entry_kind", "=", "accrual"),
                    ("parent_state", "=", "posted"),
                ],
                ["warranty_claim_id", "account_id"],
                ["balance:sum"],
            )
        ):
            booked[claim.id, account.id] -= balance
        for company, company_claims in claims.grouped("company_id").items():
            accrual_account = company.warranty_accrual_account_id
            line_vals = []
            for claim in company_claims:
                target = defaultdict(float)
                for line in claim.line_ids:
                    target[company._get_warranty_income_account(line.line_type).id] += line.amount_claimed
                accounts = set(target) | {
                    account_id
                    for claim_id, account_id in booked
                    if claim_id == claim.id and account_id != accrual_account.id
                }
                total = 0.0
                for account_id in sorted(accounts):
                    delta = claim.currency_id.round(target[account_id] - booked[claim.id, account_id])
                    if not claim.currency_id.is_zero(delta):
                        line_vals.append(
                            {
                                "name": claim.name,
                                "account_id": account_id,
                                "balance": -delta,
                                "partner_id": claim.manufacturer_id.id,
                                "warranty_claim_id": claim.id,
                            }
                        )
                        total += delta
                if not claim.currency_id.is_zero(total):
                    line_vals.append(
                        {
                            "name": claim.name,
                            "account_id": accrual_account.id,
                            "balance": total,
                            "partner_id": claim.manufacturer_id.id,
                            "warranty_claim_id": claim.id,
                        }
                    )
            # sudo: the booking flag is written by the submission only
            company_claims.sudo().is_accrued = True
            if line_vals:
                company_claims._post_warranty_entry("accrual", _("Warranty claims submitted"), line_vals)

    def _post_warranty_entry(self, kind, ref, line_vals):
        """One posted journal entry in the company's miscellaneous journal for these claims."""
        company = self.company_id
        company.ensure_one()
        # sudo: engineers submit and accountants close claims; neither edits journals, the entry is the company's
        Move = self.env["account.move"].sudo().with_company(company)
        journal = Move.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "general")],
            limit=1,
        )
        if not journal:
            raise UserError(
                _("Company %(company)s has no miscellaneous journal to book warranty claims in.", company=company.name)
            )
        # The analytic distribution models apply as core applies them, looked up once per account and
        # partner: core's own compute would look them up once per line of these entries
        distributions = {}
        Account, Partner = self.env["account.account"], self.env["res.partner"]
        for vals in line_vals:
            key = (vals["account_id"], vals.get("partner_id"))
            if key not in distributions:
                partner = Partner.browse(key[1])
                distributions[key] = (
                    Move.env["account.analytic.distribution.model"]._get_distribution(
                        {
                            "product_id": False,
                            "product_categ_id": False,
                            "partner_id": partner.id,
                            "partner_category_id": partner.category_id.ids,
                            "account_prefix": Account.browse(key[0]).code,
                            "company_id": company.id,
                        }
                    )
                    or False
                )
            vals["analytic_distribution"] = distributions[key]
        move = Move.create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": company.id,
                # A remittance netted states its own date
                "date": self.env.context.get("warranty_entry_date") or fields.Date.context_today(self),
                "ref": f"{ref}: {', '.join(self.mapped('name'))}"[:250],
                "warranty_entry_kind": kind,
                "line_ids": [Command.create(vals) for vals in line_vals],
            }
        )
        move.action_post()
        return move.with_env(self.env)

    def _check_closable(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_accountant"):
            raise AccessError(_("Only a Warranty Accountant or Manager closes the rejected part of claims."))
        if len(self.company_id) > 1:
            raise UserError(_("Close the claims of one company at a time."))
        for claim in self:
            if claim.state not in ("rejected", "partially_accepted", "paid"):
                raise UserError(
                    _(
                        "Claim %(name)s has no decided rejection to close (it is %(state)s).",
                        name=claim.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[claim.state],
                    )
                )
            if claim.write_off_move_id or (claim.rebill_move_id and claim.rebill_move_id.state != "cancel"):
                raise UserError(
                    _("The rejected amount of claim %(name)s is already written off or re-billed.", name=claim.name)
                )
            if not claim.is_accrued:
                raise UserError(
                    _(
                        "Claim %(name)s was not booked when it was submitted (no claims-to-invoice account was set): "
                        "its rejected amount was never counted as income, there is nothing to write off.",
                        name=claim.name,
                    )
                )

    def _get_amounts_to_close(self):
        """Per claim: what is booked as owed and will never be invoiced to the manufacturer."""
        balances = dict(
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("warranty_claim_id", "in", self.ids),
                    ("parent_state", "=", "posted"),
                    ("account_id", "in", self.company_id.warranty_accrual_account_id.ids),
                ],
                ["warranty_claim_id"],
                ["balance:sum"],
            )
        )
        invoiced = self._get_invoiced_by_line(posted_only=True)
        amounts = {}
        for claim in self:
            to_invoice = claim.amount_accepted - sum(invoiced[line.id] for line in claim.line_ids)
            amount = claim.currency_id.round(balances.get(claim, 0.0) - to_invoice)
            if claim.currency_id.compare_amounts(amount, 0.0) <= 0:
                raise UserError(_("Claim %(name)s has no rejected amount left to close.", name=claim.name))
            amounts[claim.id] = amount
        return amounts

    def _reverse_write_off(self):
        """A later revision was accepted: the earlier write-off of these claims is booked back."""
        line_vals = []
        for claim in self:
            company = claim.company_id
            line_vals += [
                {
                    "name": _("%(name)s: accepted on revision %(revision)s", name=claim.name, revision=claim.revision),
                    "account_id": company.warranty_writeoff_account_id.id,
                    "balance": -claim.amount_written_off,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
                {
                    "name": claim.name,
                    "account_id": company.warranty_accrual_account_id.id,
                    "balance": claim.amount_written_off,
                    "partner_id": claim.manufacturer_id.id,
                    "warranty_claim_id": claim.id,
                },
            ]
        for claims in self.grouped("company_id").values():
            company_lines = [vals for vals in line_vals if vals["warranty_claim_id"] in claims.ids]
            move = claims._post_warranty_entry("write_off", _("Write-off reversed after resubmission"), company_lines)
            for claim in claims:
                claim.message_post(
                    body=_(
                        "Write-off of %(amount)s reversed (%(entry)s): the resubmitted claim was accepted.",
                        amount=claim.amount_written_off,
                        entry=move.name,
                    )
                )
        # sudo: the write-off fields are written by the claim's actions only
        self.sudo().write({"write_off_move_id": False, "amount_written_off": 0.0})

    def _prepare_reimbursement_move_vals(self, manufacturer, invoiced=None):
        """One invoice (or expected credit note) for these claims of ``manufacturer``; a hook for other modules.

        ``invoiced``: what is already billed per claim line id (a resubmitted claim bills only the increase).
        """
        invoiced = invoiced if invoiced is not None else self._get_invoiced_by_line()
        company = self.company_id
        credit_note = manufacturer.warranty_reimbursement_method == "credit_note"
        move_type = "in_refund" if credit_note else "out_invoice"
        journal = company.warranty_journal_id if not credit_note else self.env["account.journal"]
        lines = []
        for claim in self:
            reference = f" ({claim.manufacturer_reference})" if claim.manufacturer_reference else ""
            for line in claim.line_ids:
                amount = line.amount_accepted - invoiced[line.id]
                if claim.currency_id.is_zero(amount):
                    continue
                # Booked at submission: the invoice turns the claim's "to invoice" into a receivable;
                # otherwise the income is booked now
                account = (
                    company.warranty_accrual_account_id
                    if claim.is_accrued
                    else company._get_warranty_income_account(line.line_type)
                )
                lines.append(
                    Command.create(
                        {
                            "name": f"{claim.name}{reference}: {line.name}",
                            "quantity": 1,
                            "price_unit": amount,
                            "account_id": account.id,
                            "tax_ids": [Command.clear()],
                            "warranty_claim_id": claim.id,
                            "warranty_claim_line_id": line.id,
                        }
                    )
                )
        vals = {
            "move_type": move_type,
            "partner_id": manufacturer.id,
            "company_id": company.id,
            "invoice_origin": ", ".join(self.mapped("name")),
            "ref": ", ".join(filter(None, self.mapped("manufacturer_reference"))) or False,
            "warranty_claim_ids": [Command.set(self.ids)],
            "invoice_line_ids": lines,
        }
        if journal:
            vals["journal_id"] = journal.id
        return vals

    def _sync_paid_state(self):
        """Claims follow their reimbursement: paid when it is, back to their decision when a payment is undone."""
        self.invalidate_recordset(["reimbursement_state"])
        to_pay = self.filtered(
            lambda c: c.state in ("accepted", "partially_accepted") and c.reimbursement_state == "paid"
        )
        settlements = to_pay._get_settlements()
        # One write per payment day: a remittance pays thousands of claims on the same day
        by_date = defaultdict(list)
        for claim in to_pay:
            # Paid on the day of the last payment reconciled with it (a remittance states its own date)
            by_date[settlements.get(claim.id, (0, 0, False, False))[3] or fields.Date.context_today(claim)].append(
                claim.id
            )
        for date_paid, claim_ids in by_date.items():
            # sudo: whoever registers the payment moves the claim; its state is written by the claim's code only
            self.browse(claim_ids).sudo().write({"state": "paid", "date_paid": date_paid})
        for claim in self.filtered(lambda c: c.state == "paid" and c.reimbursement_state != "paid"):
            short = claim.line_ids.filtered(lambda line: line.decision != "accepted")
            # sudo: as above, a payment taken back moves the claim back to its decision
            claim.sudo().write({"state": "partially_accepted" if short else "accepted", "date_paid": False})

    def _check_decidable(self):
        for claim in self:
            if claim.state != "submitted":
                raise UserError(
                    _(
                        "Claim %(name)s was not submitted: the manufacturer has nothing to decide.",
                        name=claim.name,
                    )
                )

    def _apply_line_decisions(self):
        """The claim follows its decided lines: all accepted, all rejected, or partially accepted."""
        for claim in self:
            decisions = set(claim.line_ids.mapped("decision"))
            if decisions == {"accepted"}:
                vals = {"state": "accepted"}
            elif decisions == {"rejected"}:
                codes = ", ".join(sorted(set(claim.line_ids.mapped("rejection_code"))))
                vals = {
                    "state": "rejected",
                    "rejection_reason": claim.rejection_reason
                    or _("Every line rejected by the manufacturer (%(codes)s).", codes=codes),
                }
            else:
                vals = {"state": "partially_accepted"}
            # sudo: the state is written by the decision actions only
            claim.sudo().write(vals)

    def _check_group(self, group, message):
        """Refuse the callers outside ``group`` (the superuser, i.e. code running with sudo, passes)."""
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(message)

    def _check_decision_rights(self):
        self._check_group(
            "warranty_service.group_warranty_accountant",
            _("Only a Warranty Accountant or Manager records the manufacturer's decision on a claim."),
        )

    def _is_warranty_manager(self):
        return self.env.su or self.env.user.has_group("warranty_service.group_warranty_manager")

    def _get_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    @api.model
    def _check_create_rights(self, vals_list):
        """What a user may state when creating a claim: its content, never its life cycle or its money."""
        for vals in vals_list:
            protected = [
                name
                for name in CLAIM_ACTION_FIELDS & set(vals)
                if vals[name]
                and not (name == "state" and vals[name] == "draft")
                and not (name == "name" and vals[name] == self.env._("New"))
            ]
            if protected:
                raise AccessError(
                    _(
                        "A new claim is a draft: %(fields)s are set by its actions (submit, decide, invoice), "
                        "not by hand.",
                        fields=self._describe_fields(protected),
                    )
                )
            if not vals.get("repair_id") and not self._is_warranty_manager():
                raise AccessError(
                    _(
                        "Claims are made from done repairs (Create Warranty Claim on the repair); only a Warranty "
                        "Manager writes a claim by hand."
                    )
                )

    def _check_write_rights(self, vals):
        """Who may change what: the model enforces what the form shows (see the README's roles table).

        The life cycle and the money are written by the actions only (with sudo); what the claim says is
        written by the workshop while it is a draft and frozen for everyone once it is sent; the manufacturer's
        reference and reason are recorded by a Warranty Accountant or Manager while the claim is decided.
        """
        names = set(vals)
        trusted = self.env.su
        if not trusted:
            protected = names & (CLAIM_ACTION_FIELDS | CLAIM_FIXED_FIELDS)
            if protected:
                raise AccessError(
                    _(
                        "%(fields)s of a warranty claim change only through its actions (submit, decide, resubmit, "
                        "invoice), not by editing the claim.",
                        fields=self._describe_fields(protected),
                    )
                )
        content = names & CLAIM_CONTENT_FIELDS
        if content:
            sent = self.filtered(lambda c: c.state != "draft")
            if sent:
                raise UserError(
                    _(
                        "Claim %(name)s was sent to the manufacturer: its unit, dates and diagnosis (%(fields)s) "
                        "cannot change any more. Once the manufacturer has decided, correct it with Resubmit.",
                        name=sent[0].name,
                        fields=self._describe_fields(content),
                    )
                )
            if not trusted:
                self._check_group(
                    "warranty_service.group_warranty_workshop",
                    _("Only the workshop or a Warranty Manager prepares warranty claims."),
                )
                if "late_reason" in content and not self._is_warranty_manager():
                    raise AccessError(_("Only a Warranty Manager lets a claim go out after its deadline."))
                if "repair_date" in content:
                    self._check_repair_date_move(vals["repair_date"])
        if not trusted and "manufacturer_reference" in names:
            for claim in self:
                if claim.state == "draft":
                    claim._check_group(
                        "warranty_service.group_warranty_workshop",
                        _("Only the workshop or a Warranty Manager prepares warranty claims."),
                    )
                elif claim.state == "cancel":
                    raise UserError(_("Claim %(name)s is cancelled.", name=claim.name))
                else:
                    claim._check_decision_rights()
        if not trusted and "rejection_reason" in names:
            self._check_decision_rights()
            self._check_decidable()

    def _describe_fields(self, names):
        return ", ".join(sorted(self._fields[name]._description_string(self.env) for name in names))

    @api.model
    def _check_repair_date_move(self, value):
        """The repair date decides the claim's deadline: the workshop states it when it makes the claim (by hand,
        or the repair's), and only a Warranty Manager moves it afterwards, for every claim. Nobody moves it once
        the deadline it gave has passed: the claim is then overdue, and goes out only with the Manager's reason
        for the late submission (``late_reason``), never as if it were on time."""
        try:
            new_date = fields.Date.to_date(value)
        except ValueError:
            new_date = None  # not a date: moved (the field's own conversion refuses it)
        moved = self.filtered(lambda claim: claim.repair_date != new_date)
        if not moved:
            return
        if not self._is_warranty_manager():
            from_repair = moved.filtered("repair_id")
            if from_repair:
                raise AccessError(
                    _(
                        "Claim %(name)s takes its repair date from repair %(repair)s: only a Warranty Manager "
                        "can change it (and with it the claim's deadline).",
                        name=from_repair[0].name,
                        repair=from_repair[0].repair_id.name,
                    )
                )
            raise AccessError(
                _(
                    "The repair date of claim %(name)s sets its deadline: it is stated when the claim is made, and "
                    "only a Warranty Manager can change it afterwards.",
                    name=moved[0].name,
                )
            )
        today = fields.Date.context_today(self)
        overdue = moved.filtered(lambda claim: claim.deadline_date and claim.deadline_date < today)
        if overdue:
            raise UserError(
                _(
                    "Claim %(name)s is past its deadline (%(deadline)s): its repair date cannot move any more. A "
                    "Warranty Manager submits it late, with the reason for the late submission.",
                    name=overdue[0].name,
                    deadline=format_date(self.env, overdue[0].deadline_date),
                )
            )

    def _get_repair_date(self, repair):
        """The day ``repair`` was completed, in the user's time zone: the claim's deadline runs from it."""
        return fields.Datetime.context_timestamp(self, repair.date_done or fields.Datetime.now()).date()

from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# An invoice of up to this many claims carries their manufacturer's references as its reference; a grouped invoice
# of more names each claim and its reference on its lines only. Core copies the invoice's reference onto every one of
# its journal items, indexed by trigrams (pg_trgm): 500 references (3-8 kB) on 1,000 items made every update of them
# in the remittance's reconciliation cost three times as much (issue 26).
MAX_CLAIM_REFERENCES_ON_INVOICE = 10
# Computed from the claim's state, and the same in every decided state: a claim that becomes Paid keeps them
STATE_STABLE_WHEN_PAID = ("amount_claimed", "amount_accepted", "amount_rejected", "acceptance_rate", "deadline_state")


class WarrantyClaim(models.Model):
    """The manufacturer's invoice for an accepted claim, and what was paid of it."""

    _inherit = "warranty.claim"  # pylint: disable=consider-merging-classes-inherited

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
        compute="_compute_amount_open",
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

    def _compute_invoice_count(self):
        for claim in self:
            claim.invoice_count = len(claim.invoice_ids)

    # Not on the claim's state: a claim becoming paid changes nothing of what it was paid, and a remittance of
    # 10,000 claims computed all of it twice (issue 26); what is still owed follows the state (below)
    @api.depends("invoice_ids.state", "invoice_ids.payment_state", "invoice_ids.line_ids.amount_residual")
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
            round_ = claim.currency_id.round if claim.currency_id else (lambda amount: amount)
            short_off = settlements.get(("short", claim.id), 0.0)
            # Iterated, not filtered(): a remittance recomputes thousands of claims, and two filtered() per claim
            # were half of its claims' recompute (issue 26)
            states = [move.state for move in claim.invoice_ids if move.state != "cancel"
                      and move.payment_state != "reversed"]
            if tagged:
                paid = round_(settled - short_off)
                if not states:
                    state = "not_invoiced"
                elif all(move_state == "posted" for move_state in states) and claim.currency_id.is_zero(residual):
                    state = "paid"
                elif not claim.currency_id.is_zero(settled):
                    state = "partial"
                else:
                    state = "invoiced"
            else:
                # Documents booked before each claim had lines of its own: shared in proportion, as they were
                documents = claim.invoice_ids.filtered(
                    lambda move: move.state != "cancel" and move.payment_state != "reversed"
                )
                paid, state = claim._get_legacy_settlement(documents, documents.filtered(
                    lambda move: move.state == "posted"))
            claim.reimbursement_state = state
            claim.amount_paid = paid
            claim.amount_short_paid_off = round_(short_off)

    @api.depends("amount_accepted", "amount_paid", "amount_short_paid_off", "state")
    def _compute_amount_open(self):
        for claim in self:
            decided = claim.state in ("accepted", "partially_accepted", "paid")
            open_amount = claim.amount_accepted - claim.amount_paid - claim.amount_short_paid_off if decided else 0.0
            claim.amount_open = claim.currency_id.round(open_amount) if claim.currency_id else open_amount

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

    def action_view_invoices(self):
        """Open the reimbursement documents of the claims."""
        return self._action_open_moves(self.invoice_ids, _("Reimbursements"))

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
            "ref": self._invoice_reference(),
            "warranty_claim_ids": [Command.set(self.ids)],
            "invoice_line_ids": lines,
        }
        if journal:
            vals["journal_id"] = journal.id
        return vals

    def _invoice_reference(self):
        """The manufacturer's references of the claims, or their range when the invoice groups many.

        Core copies an invoice's reference onto each of its journal items (trigram-indexed): hundreds of references
        joined made every update of those items in a remittance's reconciliation costly (issue 26). Above the limit
        the reference names the first and last; each invoice line still names its claim and reference.
        """
        references = sorted(filter(None, self.mapped("manufacturer_reference")))
        if not references:
            return False
        if len(references) <= MAX_CLAIM_REFERENCES_ON_INVOICE:
            return ", ".join(references)
        return _(
            "%(count)s claims, %(first)s to %(last)s", count=len(references), first=references[0], last=references[-1]
        )

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
        # From a decision to Paid, what a decided claim computes from its state stays as it is (its amounts, its
        # acceptance rate, its deadline): protected, rather than computed again for each of a remittance's
        # thousands of claims and their lines (issue 26)
        stable = [self._fields[name] for name in STATE_STABLE_WHEN_PAID]
        with self.env.protecting(stable, to_pay), \
                self.env.protecting([self.line_ids._fields["amount_rejected"]], to_pay.line_ids):
            for date_paid, claim_ids in by_date.items():
                # sudo: whoever registers the payment moves the claim; its state is written by the claim's code only
                self.browse(claim_ids).sudo().write({"state": "paid", "date_paid": date_paid})
        for claim in self.filtered(lambda c: c.state == "paid" and c.reimbursement_state != "paid"):
            short = claim.line_ids.filtered(lambda line: line.decision != "accepted")
            # sudo: as above, a payment taken back moves the claim back to its decision
            claim.sudo().write({"state": "partially_accepted" if short else "accepted", "date_paid": False})

from collections import defaultdict

from odoo import fields, models
from odoo.tools import frozendict


class AccountMove(models.Model):
    _inherit = "account.move"

    warranty_claim_ids = fields.Many2many(
        "warranty.claim", "warranty_claim_account_move_rel", "move_id", "claim_id",
        string="Warranty Claims", copy=False, readonly=True,
    )
    warranty_entry_kind = fields.Selection(
        [
            ("accrual", "Claims Submitted"),
            ("write_off", "Rejected Claims Written Off"),
            ("rebill", "Rejected Claims Re-billed"),
            ("netting", "Remittance Netted"),
            ("chargeback", "Claims Charged Back"),
            ("allowance", "Allowance for Doubtful Claims"),
        ],
        string="Warranty Entry",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The warranty bookings that are not the manufacturer's invoice.",
    )

    def _compute_needed_terms(self):
        # A reimbursement document owes each claim on a receivable (payable) line of its own: a payment is then
        # reconciled with the lines of the claims it pays, and what each claim was paid is read from its own lines,
        # never shared in proportion among the claims of a grouped invoice
        result = super()._compute_needed_terms()
        for move in self:
            if not move.needed_terms:
                continue
            products = move.invoice_line_ids.filtered(lambda line: line.display_type == "product")
            if not products or not all(products.mapped("warranty_claim_id")):
                continue
            per_claim = defaultdict(float)
            for line in products:
                per_claim[line.warranty_claim_id.id] += line.price_total
            total = sum(per_claim.values())
            if move.currency_id.is_zero(total):
                continue
            claim_ids = sorted(per_claim)
            needed = {}
            for key, values in move.needed_terms.items():
                if not key.get("date_maturity"):
                    # No due date yet (a new invoice without payment terms): core's single line, until the due
                    # date is set and the terms are computed again; several undated keys cannot be compared
                    needed[key] = values
                    continue
                remaining = dict(balance=values["balance"], amount_currency=values["amount_currency"])
                for index, claim_id in enumerate(claim_ids):
                    share = {}
                    for fname in ("balance", "amount_currency"):
                        if index == len(claim_ids) - 1:
                            share[fname] = remaining[fname]  # the last claim takes the rounding
                        else:
                            currency = move.company_currency_id if fname == "balance" else move.currency_id
                            share[fname] = currency.round(values[fname] * per_claim[claim_id] / total)
                            remaining[fname] -= share[fname]
                    needed[frozendict({**key, "warranty_claim_id": claim_id})] = {**values, **share}
            move.needed_terms = needed
        return result

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        # A reconciliation syncs the claims of all its lines once at its end (account.move.line._reconcile_plan)
        if not self.env.context.get("warranty_defer_paid_sync"):
            self.warranty_claim_ids._sync_paid_state()
        return result

    def button_draft(self):
        result = super().button_draft()
        self.warranty_claim_ids._sync_paid_state()
        return result

    def _reverse_moves(self, default_values_list=None, cancel=False):
        reversals = super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)
        # A credit note on a claim's invoice leaves the claim owed (not paid): follow it
        self.warranty_claim_ids._sync_paid_state()
        return reversals

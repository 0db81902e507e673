from odoo import api, fields, models
from odoo.tools import frozendict


def _plan_in_env(plan, env):
    """The reconciliation plan (recordsets, or lists of them, nested) with its records in ``env``."""
    return [item.with_env(env) if isinstance(item, models.BaseModel) else _plan_in_env(item, env) for item in plan]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    warranty_claim_id = fields.Many2one(
        "warranty.claim", string="Warranty Claim", index="btree_not_null", copy=False, readonly=True,
    )
    warranty_claim_line_id = fields.Many2one(
        "warranty.claim.line", string="Warranty Claim Line", index="btree_not_null", copy=False, readonly=True,
        help="The claim line this invoice line bills: what is invoiced of each claim line is never billed twice.",
    )

    @api.depends("date_maturity", "warranty_claim_id")
    def _compute_term_key(self):
        # A reimbursement document has a receivable line per claim (see account.move._compute_needed_terms)
        result = super()._compute_term_key()
        for line in self:
            if line.term_key and line.warranty_claim_id:
                line.term_key = frozendict({**line.term_key, "warranty_claim_id": line.warranty_claim_id.id})
        return result

    def _copy_data_extend_business_fields(self, values):
        # A credit note (reversal) keeps the claim of each line, so that it takes back what was billed
        res = super()._copy_data_extend_business_fields(values)
        values["warranty_claim_id"] = self.warranty_claim_id.id
        values["warranty_claim_line_id"] = self.warranty_claim_line_id.id
        return res

    def _reconcile_plan(self, reconciliation_plan):
        # What a claim was paid follows the lines reconciled: a claim is paid when its own lines are, whatever the
        # rest of a grouped invoice
        if self.env.context.get("warranty_defer_paid_sync"):
            # Within a plan being reconciled (core reconciles exchange differences through here again)
            return super()._reconcile_plan(reconciliation_plan)
        # Core calls the invoices' paid hook once per batch of the plan, and each call had every claim of the
        # invoices computed again: the claims follow once, when the whole plan is reconciled (below)
        deferred = self.with_context(warranty_defer_paid_sync=True)
        result = super(AccountMoveLine, deferred)._reconcile_plan(_plan_in_env(reconciliation_plan, deferred.env))
        lines = self.browse()
        stack = list(reconciliation_plan)
        while stack:
            item = stack.pop()
            if isinstance(item, models.BaseModel):
                lines |= item
            else:
                stack.extend(item)
        claims = lines.warranty_claim_id | lines.move_id.warranty_claim_ids
        if claims:
            claims._sync_paid_state()
        return result

    def remove_move_reconcile(self):
        # A payment taken back makes its claims unpaid again
        moves = (
            self.move_id | self.matched_debit_ids.debit_move_id.move_id | self.matched_credit_ids.credit_move_id.move_id
        )
        claims = (
            moves.warranty_claim_ids | self.warranty_claim_id
            | self.matched_debit_ids.debit_move_id.warranty_claim_id
            | self.matched_credit_ids.credit_move_id.warranty_claim_id
        )
        result = super().remove_move_reconcile()
        claims._sync_paid_state()
        return result

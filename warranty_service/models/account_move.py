from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    warranty_claim_ids = fields.Many2many(
        "warranty.claim", "warranty_claim_account_move_rel", "move_id", "claim_id",
        string="Warranty Claims", copy=False, readonly=True,
    )

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        self.warranty_claim_ids._sync_paid_state()
        return result

    def button_draft(self):
        result = super().button_draft()
        self.warranty_claim_ids._sync_paid_state()
        return result


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    warranty_claim_id = fields.Many2one(
        "warranty.claim", string="Warranty Claim", index="btree_not_null", copy=False, readonly=True,
    )

    def remove_move_reconcile(self):
        # A payment taken back makes its claims unpaid again
        moves = self.move_id | self.matched_debit_ids.debit_move_id.move_id | self.matched_credit_ids.credit_move_id.move_id
        result = super().remove_move_reconcile()
        moves.warranty_claim_ids._sync_paid_state()
        return result

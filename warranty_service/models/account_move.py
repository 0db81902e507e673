from odoo import fields, models


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
        ],
        string="Warranty Entry",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The warranty bookings that are not the manufacturer's invoice.",
    )

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
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

from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    warranty_claim_id = fields.Many2one(
        "warranty.claim", string="Warranty Claim", index="btree_not_null", copy=False, readonly=True,
    )
    warranty_claim_line_id = fields.Many2one(
        "warranty.claim.line", string="Warranty Claim Line", index="btree_not_null", copy=False, readonly=True,
        help="The claim line this invoice line bills: what is invoiced of each claim line is never billed twice.",
    )

    def _copy_data_extend_business_fields(self, values):
        # A credit note (reversal) keeps the claim of each line, so that it takes back what was billed
        res = super()._copy_data_extend_business_fields(values)
        values["warranty_claim_id"] = self.warranty_claim_id.id
        values["warranty_claim_line_id"] = self.warranty_claim_line_id.id
        return res

    def remove_move_reconcile(self):
        # A payment taken back makes its claims unpaid again
        moves = (
            self.move_id | self.matched_debit_ids.debit_move_id.move_id | self.matched_credit_ids.credit_move_id.move_id
        )
        result = super().remove_move_reconcile()
        moves.warranty_claim_ids._sync_paid_state()
        return result

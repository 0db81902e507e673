from odoo import fields, models


class StockMove(models.Model):
    """The moves of a claim line's defective part: its status follows them."""

    _inherit = "stock.move"

    warranty_claim_line_id = fields.Many2one(
        "warranty.claim.line", string="Returned Part of Claim Line", index="btree_not_null", readonly=True,
        help="The warranty claim line whose defective part this move sets aside, ships or scraps.",
    )

    def _prepare_merge_moves_distinct_fields(self):
        # Two claim lines of the same part are two parts, each in its own package: never one move
        return super()._prepare_merge_moves_distinct_fields() + ["warranty_claim_line_id"]

    def _action_done(self, cancel_backorder=False):
        done_moves = super()._action_done(cancel_backorder=cancel_backorder)
        part_moves = done_moves.filtered(lambda m: m.state == "done" and m.warranty_claim_line_id)
        if part_moves:
            # sudo: whoever validates the transfer (a warehouse user without warranty rights) moves the
            # part, and the claim line's status follows
            part_moves.warranty_claim_line_id.sudo()._update_return_state_from_moves(part_moves.sudo())
        return done_moves

    def _action_cancel(self):
        result = super()._action_cancel()
        part_moves = self.filtered(lambda m: m.state == "cancel" and m.warranty_claim_line_id)
        if part_moves:
            # sudo: see _action_done
            part_moves.warranty_claim_line_id.sudo()._update_return_state_from_moves(part_moves.sudo())
        return result

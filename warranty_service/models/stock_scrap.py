from odoo import fields, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    warranty_claim_line_id = fields.Many2one(
        "warranty.claim.line", string="Returned Part of Claim Line", index="btree_not_null", readonly=True,
        help="The warranty claim line whose defective part, kept past its retention period, is scrapped.",
    )

    def _prepare_move_values(self):
        vals = super()._prepare_move_values()
        vals["warranty_claim_line_id"] = self.warranty_claim_line_id.id
        return vals

from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    warranty_loaner_fleet = fields.Boolean(
        string="Loaner Fleet", help="Substitute units lent to customers while their own unit is repaired wait here.",
    )
    warranty_workshop = fields.Boolean(
        string="Workshop", help="Parts and tools issued to the workshop by part requisitions arrive here.",
    )
    warranty_returns = fields.Boolean(
        help="Defective parts kept for, and shipped back to, manufacturers wait here, outside the valued stock.",
    )

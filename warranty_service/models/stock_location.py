from odoo import fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    warranty_loaner_fleet = fields.Boolean(
        string="Loaner Fleet", help="Substitute units lent to customers while their own unit is repaired wait here.",
    )

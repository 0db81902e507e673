from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    warranty_requisition_approval_limit = fields.Monetary(
        related="company_id.warranty_requisition_approval_limit", readonly=False, currency_field="company_currency_id",
    )

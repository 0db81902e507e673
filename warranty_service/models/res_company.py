from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    warranty_requisition_approval_limit = fields.Monetary(
        string="Requisition Approval Limit", currency_field="currency_id",
        help="Part requisitions worth more than this (at cost) need a Warranty Manager's approval. 0: no limit.",
    )

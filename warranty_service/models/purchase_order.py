from odoo import fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    warranty_requisition_ids = fields.Many2many(
        "warranty.part.requisition", "warranty_requisition_purchase_rel", "purchase_id", "requisition_id",
        string="Part Requisitions", copy=False, readonly=True,
    )


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    warranty_requisition_line_id = fields.Many2one(
        "warranty.part.requisition.line", string="Requisition Line", index="btree_not_null", copy=False,
    )

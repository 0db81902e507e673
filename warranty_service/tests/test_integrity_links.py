from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestWorkflowLinks(WarrantyCommon):
    """The links between stock or purchase documents and the warranty workflows are set by the workflows only.

    A stock or purchase user could otherwise tie any move to a requisition line (faking what was issued), any
    transfer to a repair, or any purchase line to a requisition, over RPC with their own password.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.part = cls.env["product.product"].create({"name": "Link Filter", "type": "consu", "is_storable": True})
        cls.picking = cls.env["stock.picking"].create({
            "picking_type_id": cls.warehouse.int_type_id.id,
            "location_id": cls.stock_location.id,
            "location_dest_id": cls.stock_location.id,
            "move_ids": [Command.create({
                "name": "Link Filter", "product_id": cls.part.id, "product_uom_qty": 1,
                "location_id": cls.stock_location.id, "location_dest_id": cls.stock_location.id,
            })],
        })
        cls.requisition = cls.env["warranty.part.requisition"].with_user(cls.user_workshop).create({
            "line_ids": [Command.create({"product_id": cls.part.id, "product_qty": 1})],
        })
        vendor = cls.env["res.partner"].create({"name": "Link Vendor"})
        cls.order = cls.env["purchase.order"].create({
            "partner_id": vendor.id,
            "order_line": [Command.create({"product_id": cls.part.id, "product_qty": 1})],
        })
        repair_product = cls.env["product.product"].create({"name": "Link Unit", "type": "consu"})
        cls.repair = cls.env["repair.order"].create({"product_id": repair_product.id, "partner_id": cls.customer.id})

    def test_stock_user_cannot_rewire_moves_and_transfers(self):
        move = self.picking.move_ids.with_user(self.user_warehouse)
        with self.assertRaisesRegex(UserError, "link of a stock move to its part requisition .* not by hand"):
            move.write({"warranty_requisition_line_id": self.requisition.line_ids.id})
        picking = self.picking.with_user(self.user_warehouse)
        for vals in ({"warranty_repair_id": self.repair.id}, {"warranty_requisition_id": self.requisition.id},
                     {"warranty_transfer_kind": "loaner_out"}):
            with self.assertRaisesRegex(UserError, "link of a transfer to its repair or part requisition"):
                picking.write(vals)
        self.assertFalse(self.picking.warranty_repair_id or self.picking.move_ids.warranty_requisition_line_id)
        # Everything else on the transfer stays the stock user's
        picking.write({"origin": "Checked by the stock user"})
        self.assertEqual(self.picking.origin, "Checked by the stock user")

    def test_purchase_user_cannot_rewire_orders(self):
        order = self.order.with_user(self.user_parts)
        with self.assertRaisesRegex(UserError, "link of a purchase order to its part requisitions"):
            order.write({"warranty_requisition_ids": [Command.link(self.requisition.id)]})
        with self.assertRaisesRegex(UserError, "link of a purchase order line to its requisition line"):
            order.order_line.write({"warranty_requisition_line_id": self.requisition.line_ids.id})
        self.assertFalse(self.order.warranty_requisition_ids or self.order.order_line.warranty_requisition_line_id)


from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_repair import WarrantyRepairCommon


class RequisitionCommon(WarrantyRepairCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parts_clerk = new_test_user(
            cls.env, login="ws_parts_2", name="Petra Parts", groups="warranty_service.group_warranty_parts",
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Parts Wholesale GmbH", "is_company": True})
        cls.vendor_b = cls.env["res.partner"].create({"name": "Filter Factory", "is_company": True})
        cls.filter = cls.env["product.product"].create({
            "name": "Oil filter", "type": "consu", "is_storable": True, "standard_price": 8,
            "seller_ids": [Command.create({"partner_id": cls.vendor_b.id, "price": 7})],
        })
        cls.gasket = cls.env["product.product"].create({
            "name": "Head gasket", "type": "consu", "is_storable": True, "standard_price": 60,
            "seller_ids": [Command.create({"partner_id": cls.vendor.id, "price": 55})],
        })
        cls.torque_wrench = cls.env["product.product"].create({
            "name": "Torque wrench", "type": "consu", "is_storable": True, "standard_price": 150,
        })
        cls.seal.write({"seller_ids": [Command.create({"partner_id": cls.vendor.id, "price": 20})]})
        cls.env["stock.quant"]._update_available_quantity(cls.filter, cls.stock_location, 10)
        cls.env["stock.quant"]._update_available_quantity(cls.torque_wrench, cls.stock_location, 2)
        cls.workshop_location = cls.warehouse._get_warranty_workshop_location()

    def _requisition(self, lines, user=None, **values):
        Requisition = self.env["warranty.part.requisition"].with_user(user or self.user_workshop)
        return Requisition.create({
            "line_ids": [Command.create({"product_id": product.id, "product_qty": qty, **extra})
                         for product, qty, extra in lines],
            **values,
        })

    def _issue(self, requisition, quantities=None):
        """Validate the issue transfer, with only ``quantities`` {product: qty} when given."""
        picking = requisition.picking_ids.filtered(
            lambda p: p.warranty_requisition_kind == "issue" and p.state not in ("done", "cancel")
        )
        picking = picking.with_user(self.user_parts)
        for move in picking.move_ids:
            if quantities is not None:
                move.quantity = quantities.get(move.product_id, 0)
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict):  # backorder wizard for a partial issue
            wizard = self.env[result["res_model"]].with_user(self.user_parts).with_context(**result["context"])
            wizard.create({}).process()
        return picking


@tagged("post_install", "-at_install")
class TestRequisitionFlow(RequisitionCommon):

    def test_full_flow_with_stock(self):
        requisition = self._requisition([(self.filter, 4, {})])
        self.assertRegex(requisition.name, r"^PR/\d{4}/\d{5}$")
        self.assertEqual(requisition.workshop_location_id, self.workshop_location)
        self.assertEqual(requisition.workshop_location_id.name, "Workshop")
        self.assertEqual(requisition.line_ids.qty_available, 10)
        requisition.action_submit()
        self.assertEqual(requisition.state, "submitted")
        requisition.with_user(self.user_parts).action_approve()
        self.assertEqual(requisition.state, "approved")
        self.assertEqual(requisition.approved_by_id, self.user_parts)
        picking = requisition.picking_ids
        self.assertEqual(len(picking), 1, "one internal transfer per requisition")
        self.assertEqual(picking.state, "assigned", "reserved at once")
        self.assertEqual((picking.location_id, picking.location_dest_id), (self.stock_location, self.workshop_location))
        self.assertFalse(requisition.purchase_ids)
        self._issue(requisition)
        self.assertEqual(requisition.line_ids.qty_issued, 4)
        self.assertEqual(requisition.state, "done")
        self.assertEqual(self.filter.with_context(location=self.workshop_location.id).qty_available, 4)

    def test_shortage_is_bought_then_issued(self):
        requisition = self._requisition([(self.filter, 12, {}), (self.gasket, 2, {}), (self.seal, 30, {})])
        requisition.action_submit()
        requisition.with_user(self.user_parts).action_approve()
        orders = requisition.purchase_ids
        self.assertEqual(len(orders), 2, "one RFQ per vendor")
        self.assertEqual(orders.warranty_requisition_ids, requisition, "linked both ways")
        wholesale = orders.filtered(lambda o: o.partner_id == self.vendor)
        self.assertEqual(
            sorted((line.product_id.name, line.product_qty) for line in wholesale.order_line),
            [("Crankshaft seal", 10.0), ("Head gasket", 2.0)], "only what the stock lacks",
        )
        self.assertEqual(orders.filtered(lambda o: o.partner_id == self.vendor_b).order_line.product_qty, 2)
        self.assertTrue(all(order.state == "draft" for order in orders))
        picking = requisition.picking_ids
        gasket_move = picking.move_ids.filtered(lambda m: m.product_id == self.gasket)
        self.assertEqual(gasket_move.quantity, 0, "the transfer waits for the receipt")
        self.assertEqual(picking.move_ids.filtered(lambda m: m.product_id == self.filter).quantity, 10,
                         "what is in stock is reserved at once")
        # The parts arrive: the transfer is reserved in full and issued
        orders = orders.with_user(self.user_parts)
        orders.button_confirm()
        for receipt in orders.picking_ids:
            receipt.move_ids.picked = True
            receipt.button_validate()
        self.assertEqual(picking.state, "assigned")
        self._issue(requisition)
        self.assertEqual(requisition.line_ids.mapped("qty_issued"), [12, 2, 30])
        self.assertEqual(requisition.state, "done")

    def test_partial_issue(self):
        requisition = self._requisition([(self.filter, 6, {}), (self.torque_wrench, 1, {
            "line_type": "tool", "date_return_expected": "2026-12-31"})])
        requisition.action_submit()
        requisition.with_user(self.user_parts).action_approve()
        self._issue(requisition, {self.filter: 4, self.torque_wrench: 1})
        line = requisition.line_ids.filtered(lambda row: row.product_id == self.filter)
        self.assertEqual(line.qty_issued, 4)
        self.assertEqual(requisition.state, "approved", "partial issue is normal, the rest follows")
        self.assertEqual(len(requisition.picking_ids), 2, "the rest waits on a backorder")
        self._issue(requisition)
        self.assertEqual(line.qty_issued, 6)
        self.assertEqual(requisition.state, "done")

    def test_rest_cancelled_closes_the_requisition(self):
        requisition = self._requisition([(self.filter, 6, {})])
        requisition.action_submit()
        requisition.with_user(self.user_parts).action_approve()
        self._issue(requisition, {self.filter: 5})
        backorder = requisition.picking_ids.filtered(lambda p: p.state != "done")
        backorder.with_user(self.user_parts).action_cancel()
        self.assertEqual(requisition.state, "done")

    def test_tools_are_lent_and_come_back(self):
        requisition = self._requisition([(self.torque_wrench, 1, {
            "line_type": "tool", "date_return_expected": "2026-07-01"})])
        requisition.action_submit()
        requisition.with_user(self.user_parts).action_approve()
        self._issue(requisition)
        line = requisition.line_ids
        with freeze_time("2026-07-02"):
            line.invalidate_recordset(["is_overdue"])
            self.assertTrue(line.is_overdue)
            self.assertIn(requisition, self.env["warranty.part.requisition"].search([("has_overdue_tools", "=", True)]))
        requisition.with_user(self.user_workshop).action_return_tools()
        back = requisition.picking_ids.filtered(lambda p: p.warranty_requisition_kind == "tool_return")
        self.assertEqual((back.location_id, back.location_dest_id), (self.workshop_location, self.stock_location))
        back.move_ids.picked = True
        back.with_user(self.user_parts).button_validate()
        self.assertEqual(line.qty_returned, 1)
        with freeze_time("2026-07-02"):
            line.invalidate_recordset(["is_overdue"])
            self.assertFalse(line.is_overdue)
        self.assertEqual(self.torque_wrench.with_context(location=self.stock_location.id).qty_available, 2)
        with self.assertRefused("has no lent tool to return"):
            requisition.action_return_tools()

    def test_approval_rules(self):
        # A workshop master who also works the parts counter
        shop_and_parts = new_test_user(
            self.env, login="ws_shop_parts", name="Sam Shop",
            groups="warranty_service.group_warranty_workshop,warranty_service.group_warranty_parts",
        )
        own = self._requisition([(self.filter, 1, {})], user=shop_and_parts)
        own.with_user(shop_and_parts).action_submit()
        with self.assertRefused("You requested .* yourself: another member of the parts staff must approve it"):
            own.with_user(shop_and_parts).action_approve()
        own.with_user(self.parts_clerk).action_approve()
        self.assertEqual(own.state, "approved")

        self.env.company.warranty_requisition_approval_limit = 100
        big = self._requisition([(self.gasket, 2, {})])  # 2 x 60 = 120 at cost
        self.assertEqual(big.amount_estimated, 120)
        big.action_submit()
        with self.assertRefused("worth more than the approval limit: a Warranty Manager must approve it"):
            big.with_user(self.user_parts).action_approve()
        self.assertEqual(big.state, "submitted", "nothing half-done")
        self.assertFalse(big.picking_ids)
        big.with_user(self.user_manager).action_approve()
        self.assertEqual(big.state, "approved")

    def test_workshop_cannot_approve(self):
        requisition = self._requisition([(self.filter, 1, {})], user=self.user_manager)
        requisition.action_submit()
        with self.assertRaisesRegex(AccessError, "Only the parts staff approve or refuse requisitions"):
            requisition.with_user(self.user_workshop).action_approve()

    def test_refuse_with_reason(self):
        requisition = self._requisition([(self.filter, 1, {})])
        requisition.action_submit()
        with self.assertRefused("Enter the reason for refusing"):
            requisition.with_user(self.user_parts).action_refuse()
        requisition.with_user(self.user_parts).refuse_reason = "Use the filter already in the workshop"
        requisition.with_user(self.user_parts).action_refuse()
        self.assertEqual(requisition.state, "cancel")

    def test_bad_input(self):
        with self.assertRefused("must ask for a positive quantity"):
            self._requisition([(self.filter, 0, {})])
        with self.assertRefused("must ask for a positive quantity"):
            self._requisition([(self.filter, -2, {})])
        with self.assertRefused("is a service: only goods"):
            self._requisition([(self.labour_product, 1, {})])
        with self.assertRefused("is counted in Units: the unit kg is of another kind"):
            self._requisition([(self.filter, 1, {"product_uom_id": self.env.ref("uom.product_uom_kgm").id})])
        with self.assertRefused("enter the date it must be returned by"):
            self._requisition([(self.torque_wrench, 1, {"line_type": "tool"})])
        draft = self._requisition([(self.filter, 1, {})])
        with self.assertRefused("is Draft: only a submitted requisition can be approved"):
            draft.with_user(self.user_parts).action_approve()
        draft.action_cancel()
        with self.assertRefused("is Cancelled: only a submitted requisition can be approved"):
            draft.with_user(self.user_parts).action_approve()
        empty = self.env["warranty.part.requisition"].with_user(self.user_workshop).create({})
        with self.assertRefused("asks for nothing"):
            empty.action_submit()

    def test_cancel_releases_and_keeps_what_was_received(self):
        requisition = self._requisition([(self.filter, 4, {}), (self.gasket, 1, {})])
        requisition.action_submit()
        requisition.with_user(self.user_parts).action_approve()
        picking = requisition.picking_ids
        rfq = requisition.purchase_ids
        self.assertEqual(self.filter.with_context(location=self.stock_location.id).free_qty, 6, "4 reserved")
        requisition.action_cancel()
        self.assertEqual(picking.state, "cancel")
        self.assertEqual(self.filter.with_context(location=self.stock_location.id).free_qty, 10, "reservation released")
        self.assertEqual(rfq.state, "cancel", "the unconfirmed RFQ is cancelled")

        other = self._requisition([(self.gasket, 1, {}), (self.filter, 1, {})])
        other.action_submit()
        other.with_user(self.user_parts).action_approve()
        confirmed = other.purchase_ids.with_user(self.user_parts)
        confirmed.button_confirm()
        self._issue(other, {self.filter: 1})
        with self.assertRefused("were already issued: it cannot be cancelled"):
            other.action_cancel()
        self.assertEqual(confirmed.state, "purchase", "nothing received or confirmed is lost")


@tagged("post_install", "-at_install")
class TestRequisitionRepair(RequisitionCommon):

    def test_requisition_from_a_repair_is_consumed_by_it(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00")
        repair.write({"move_ids": [
            Command.create({"product_id": self.gasket.id, "product_uom_qty": 2, "repair_line_type": "add"}),
            Command.create({"product_id": self.filter.id, "product_uom_qty": 1, "repair_line_type": "add"}),
        ]})
        self._confirm(repair)
        action = repair.with_user(self.user_workshop).action_create_requisition()
        requisition = self.env["warranty.part.requisition"].browse(action["res_id"])
        self.assertEqual(requisition.repair_id, repair)
        self.assertEqual(
            [(line.product_id, line.product_qty) for line in requisition.line_ids], [(self.gasket, 2)],
            "only the parts not available yet",
        )
        self.assertEqual(repair.requisition_count, 1)
        requisition.action_submit()
        self.env["stock.quant"]._update_available_quantity(self.gasket, self.stock_location, 3)
        requisition.with_user(self.user_parts).action_approve()
        gasket_move = repair.move_ids.filtered(lambda m: m.product_id == self.gasket)
        self.assertEqual(gasket_move.location_id, self.workshop_location, "the repair takes the part in the workshop")
        self._issue(requisition)
        line = requisition.line_ids
        self.assertEqual(line.qty_issued, 2)
        repair.action_assign()
        repair.action_repair_start()
        gasket_move.quantity = 1  # one gasket was enough
        gasket_move.picked = True
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        self.assertEqual(line.qty_consumed, 1)
        self.assertEqual(line.qty_excess, 1, "issued but not used")

    def test_parts_staff_cannot_edit_the_diagnosis(self):
        repair = self._repair(self.lot_covered)
        with self.assertRaisesRegex(AccessError, "Only the workshop records the diagnosis"):
            repair.with_user(self.user_parts).write({"failure_cause": "guess"})
        repair.with_user(self.user_workshop).write({"failure_cause": "Seal hardened"})


@tagged("post_install", "-at_install")
class TestRequisitionQueryBudget(RequisitionCommon):

    def test_approving_50_lines_costs_about_what_5_lines_cost(self):
        """The requisition adds no query per line: what grows with the lines is core's own reservation."""
        products = self.env["product.product"].create([
            {"name": f"Bulk part {i}", "type": "consu", "is_storable": True, "standard_price": 1}
            for i in range(50)
        ])
        for product in products:
            self.env["stock.quant"]._update_available_quantity(product, self.stock_location, 10)

        def measure(action):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            action()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        def approve(count):
            requisition = self._requisition([(product, 1, {}) for product in products[:count]])
            requisition.action_submit()
            return measure(requisition.with_user(self.user_parts).action_approve)

        def core_transfer(count):
            """The same internal transfer made by hand in core Inventory: create, confirm, reserve."""
            def run():
                picking = self.env["stock.picking"].with_user(self.user_parts).create({
                    "picking_type_id": self.warehouse.int_type_id.id,
                    "location_id": self.stock_location.id,
                    "location_dest_id": self.workshop_location.id,
                    "move_ids": [Command.create({
                        "name": "manual", "product_id": product.id, "product_uom_qty": 1,
                        "product_uom": product.uom_id.id, "location_id": self.stock_location.id,
                        "location_dest_id": self.workshop_location.id,
                    }) for product in products[:count]],
                })
                picking.action_confirm()
                picking.action_assign()
            return measure(run)

        approve(5)  # warm-up
        core_transfer(5)
        overhead_5 = approve(5) - core_transfer(5)
        overhead_50 = approve(50) - core_transfer(50)
        self.assertLessEqual(
            overhead_50 - overhead_5, 3,
            f"the requisition's own queries: {overhead_5} for 5 lines, {overhead_50} for 50 lines",
        )

from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.tests import tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestDelivery(WarrantyCommon):
    """Registrations follow deliveries to customers and their returns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.van_lots = cls._create_lots(cls.van, "VIN-DEL-1", "VIN-DEL-2", "VIN-DEL-3")
        cls.trailer_lot = cls._create_lots(cls.trailer, "TRL-DEL-1")
        cls._put_in_stock(cls.van_lots | cls.trailer_lot)

    def test_delivery_registers_each_serial(self):
        with freeze_time("2026-04-10 09:00:00"):
            order = self._sell([(self.van, 2), (self.trailer, 1)])
            picking = self._deliver(order.picking_ids, user=self.user_warehouse)
        registrations = self.env["warranty.registration"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(len(registrations), 2, "one per van; the trailer has no warranty term")
        self.assertEqual(
            registrations.lot_id, picking.move_line_ids.lot_id.filtered(lambda line: line.product_id == self.van)
        )
        for registration in registrations:
            self.assertEqual(registration.partner_id, self.customer)
            self.assertEqual(registration.picking_id, picking)
            self.assertEqual(registration.product_id, self.van)
            self.assertEqual(registration.date_start, date(2026, 4, 10))
            self.assertEqual(registration.date_end, date(2028, 4, 9))
            self.assertEqual(registration.mileage_limit_km, 100000)
            self.assertFalse(registration.date_end_extended)
            self.assertEqual(registration.lot_id.warranty_state, "active")
        self.assertEqual(self.trailer_lot.warranty_state, "none")

    def test_extension_on_the_same_order(self):
        order = self._sell([(self.van, 2), (self.extension, 2)])
        self._deliver(order.picking_ids)
        registrations = self.env["warranty.registration"].search([("sale_order_id", "=", order.id)])
        self.assertEqual(len(registrations), 2)
        self.assertEqual(registrations.extension_product_id, self.extension)
        for registration in registrations:
            self.assertEqual(registration.date_end_extended, registration.date_end + relativedelta(months=12))

    def test_extension_quantity_must_match_the_units(self):
        with self.assertRefused(r"sells 2 unit\(s\) with a warranty but 1 extended warranty"):
            self._sell([(self.van, 2), (self.extension, 1)])

    def test_extension_needs_a_unit(self):
        with self.assertRefused("sells an extended warranty but no unit with a warranty to extend"):
            self._sell([(self.trailer, 1), (self.extension, 1)])

    def test_one_kind_of_extension_per_order(self):
        other = self.env["product.product"].create({
            "name": "Extended Warranty +36 months", "type": "service",
            "is_extended_warranty": True, "warranty_extension_months": 36,
        })
        with self.assertRefused("sells several kinds of extended warranty"):
            self._sell([(self.van, 2), (self.extension, 1), (other, 1)])

    def test_return_voids_and_redelivery_registers_again(self):
        # Only the first van is in stock, so the same unit is sold twice
        self.env["stock.quant"].search([("lot_id", "in", self.van_lots[1:].ids)]).unlink()
        order = self._sell([(self.van, 1)])
        picking = self._deliver(order.picking_ids)
        lot = picking.move_line_ids.lot_id
        first = lot.warranty_registration_id
        self.assertEqual(first.state, "active")

        return_picking = self._return(picking, lot)
        self.assertEqual(first.state, "void")
        self.assertEqual(first.void_picking_id, return_picking)
        self.assertIn(return_picking.name, first.void_reason)
        self.assertEqual(lot.warranty_state, "void")
        self.assertEqual(first.check_coverage()["coverage"], "none")

        # Sold again (to another customer): a fresh registration, the old one stays void
        second_customer = self.env["res.partner"].create({"name": "Second Owner"})
        with freeze_time("2026-09-01"):
            order2 = self._sell([(self.van, 1)], partner=second_customer)
            self._deliver(order2.picking_ids)
        second = lot.warranty_registration_id
        self.assertNotEqual(second, first)
        self.assertEqual(second.partner_id, second_customer)
        self.assertEqual(second.date_start, date(2026, 9, 1))
        self.assertEqual(lot.warranty_registration_count, 2)
        self.assertEqual(first.state, "void")

    def test_delivery_of_a_registered_serial_refused(self):
        """A serial registered by hand cannot be registered again by a delivery: nothing is half-done."""
        lot = self.van_lots[0]
        manual = self._register(lot)
        # Only this lot can be reserved
        self.env["stock.quant"].search([("lot_id", "in", self.van_lots[1:].ids)]).unlink()
        order = self._sell([(self.van, 1)])
        picking = order.picking_ids
        picking.action_assign()
        self.assertEqual(picking.move_line_ids.lot_id, lot)
        picking.move_ids.picked = True
        with self.assertRefused(f"Serial number VIN-DEL-1 already has the warranty registration {manual.name}"):
            picking.button_validate()
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(lot.warranty_registration_ids, manual)

    def test_registration_queries_do_not_grow_with_the_serials(self):
        """Registering a delivery costs the same number of queries for 1, 3 or 6 units."""
        def count_queries(lots):
            order = self._sell([(self.van, len(lots))])
            picking = order.picking_ids
            picking.action_assign()
            picking.move_ids.picked = True
            picking.button_validate()
            moves = picking.move_ids
            # Replay the registration step alone, after voiding what the delivery created
            moves.move_line_ids.lot_id.warranty_registration_ids._void("replay")
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.env["warranty.registration"]._register_delivered_moves(moves)
            self.env.flush_all()
            return self.cr.sql_log_count - before

        one = count_queries(self.van_lots[:1])
        self.env["stock.quant"].search([("lot_id", "in", self.van_lots.ids)]).unlink()
        three_lots = self._create_lots(self.van, "VIN-DEL-11", "VIN-DEL-12", "VIN-DEL-13")
        self._put_in_stock(three_lots)
        three = count_queries(three_lots)
        six_lots = self._create_lots(self.van, *(f"VIN-DEL-2{i}" for i in range(6)))
        self._put_in_stock(six_lots)
        six = count_queries(six_lots)
        self.assertEqual(one, three)
        self.assertEqual(three, six)

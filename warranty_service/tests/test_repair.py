from ast import literal_eval
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import WarrantyCommon


class WarrantyRepairCommon(WarrantyCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.defect = cls.env["warranty.defect.code"].create({
            "code": "T-E101", "name": "Oil leak at crankshaft seal", "category": "engine",
        })
        cls.labour_product = cls.env["product.product"].create({
            "name": "Labour hour", "type": "service", "list_price": 80,
        })
        cls.operation_seal = cls.env["warranty.labor.operation"].create({
            "code": "01-2310", "name": "Replace rear seal", "standard_hours": 3.5,
            "manufacturer_id": cls.manufacturer.id, "product_id": cls.labour_product.id,
        })
        cls.operation_test = cls.env["warranty.labor.operation"].create({
            "code": "00-0010", "name": "Diagnosis", "standard_hours": 0.5,
            "manufacturer_id": cls.manufacturer.id, "product_id": cls.labour_product.id,
        })
        cls.seal = cls.env["product.product"].create({
            "name": "Crankshaft seal", "type": "consu", "is_storable": True, "list_price": 40, "standard_price": 25,
        })
        cls.env["stock.quant"]._update_available_quantity(cls.seal, cls.stock_location, 20)
        # Van registered on 2025-01-01: manufacturer until 2026-12-31 / 100,000 km, extension until 2027-12-31
        cls.lot_covered, cls.lot_extended, cls.lot_unregistered = cls._create_lots(
            cls.van, "VIN-REP-1", "VIN-REP-2", "VIN-REP-3",
        )
        Registration = cls.env["warranty.registration"]
        cls.registration = Registration.create({
            "lot_id": cls.lot_covered.id, "partner_id": cls.customer.id, "date_start": "2025-01-01",
        })
        cls.registration_extended = Registration.create({
            "lot_id": cls.lot_extended.id, "partner_id": cls.customer.id, "date_start": "2025-01-01",
            "extension_product_id": cls.extension.id,
        })

    def _repair(self, lot, when="2026-06-01 09:00:00", odometer=10000, user=None, **values):
        Repair = self.env["repair.order"].with_user(user) if user else self.env["repair.order"]
        return Repair.create({
            "product_id": lot.product_id.id,
            "lot_id": lot.id,
            "partner_id": self.customer.id,
            "schedule_date": when,
            "odometer_km": odometer,
            **values,
        })

    def _confirm(self, repair):
        action = repair.action_validate()
        if isinstance(action, dict):
            # The unit belongs to the customer and is not in the dealer's stock: confirm anyway
            wizard = self.env[action["res_model"]].with_context(**action["context"]).create({})
            wizard.action_done()
        self.assertEqual(repair.state, "confirmed")

    def _diagnose(self, repair):
        repair.write({
            "defect_code_ids": [Command.link(self.defect.id)],
            "failure_cause": "Seal hardened: material defect",
            "causal_part_id": self.seal.id,
            "is_factory_defect": True,
        })


@tagged("post_install", "-at_install")
class TestRepairCoverage(WarrantyRepairCommon):

    def test_in_term(self):
        repair = self._repair(self.lot_covered)
        self.assertEqual(repair.warranty_registration_id, self.registration, "found from the serial")
        self.assertEqual(repair.warranty_coverage, "manufacturer")
        self.assertEqual(repair.warranty_coverage_reason, "Manufacturer's warranty until 12/31/2026 or 100000 km.")
        self.assertTrue(repair.under_warranty)

    def test_extension(self):
        repair = self._repair(self.lot_extended, when="2027-06-01 09:00:00")
        self.assertEqual(repair.warranty_coverage, "extension")
        self.assertTrue(repair.under_warranty)

    def test_expired(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00")
        self.assertEqual(repair.warranty_coverage, "none")
        self.assertEqual(repair.warranty_coverage_reason, "The warranty expired on 12/31/2026.")
        self.assertFalse(repair.under_warranty)

    def test_over_mileage(self):
        repair = self._repair(self.lot_covered, odometer=100500)
        self.assertEqual(repair.warranty_coverage, "none")
        self.assertIn("over the warranty limit of 100000 km", repair.warranty_coverage_reason)

    def test_voided(self):
        self.registration.action_void()
        repair = self._repair(self.lot_covered)
        self.assertEqual(repair.warranty_coverage, "none")
        self.assertIn("is void", repair.warranty_coverage_reason)

    def test_no_registration(self):
        repair = self._repair(self.lot_unregistered)
        self.assertFalse(repair.warranty_registration_id)
        self.assertEqual(repair.warranty_coverage, "none")
        self.assertEqual(repair.warranty_coverage_reason, "Serial number VIN-REP-3 has no warranty registration.")

    def test_recomputed_while_draft_frozen_once_confirmed(self):
        with freeze_time("2026-06-01"):
            with Form(self.env["repair.order"]) as form:
                form.product_id = self.van
                form.lot_id = self.lot_unregistered
                form.partner_id = self.customer
                self.assertEqual(form.warranty_coverage, "none")
                form.lot_id = self.lot_covered
                self.assertEqual(form.warranty_coverage, "manufacturer", "the form shows the coverage at once")
                form.odometer_km = 120000
                self.assertEqual(form.warranty_coverage, "none")
                form.odometer_km = 5000
            repair = form.record
        self.assertEqual(repair.warranty_coverage, "manufacturer")
        repair.schedule_date = "2027-03-01 09:00:00"
        self.assertEqual(repair.warranty_coverage, "none", "a draft follows its date")
        repair.schedule_date = "2026-06-01 09:00:00"
        self._confirm(repair)
        self.registration.action_void()
        repair.write({"odometer_km": 150000, "schedule_date": "2027-03-01 09:00:00"})
        self.assertEqual(repair.warranty_coverage, "manufacturer", "frozen once confirmed")
        self.assertTrue(repair.under_warranty)
        # The frozen coverage stays with its unit: neither the repair nor the registration changes serial under it
        with self.assertRefused("not of the repaired unit VIN-REP-2"):
            repair.lot_id = self.lot_extended
        with self.assertRefused("is used by repair .* its serial number cannot change"):
            self.registration.lot_id = self.lot_unregistered
        self.assertEqual(repair.warranty_registration_id, self.registration)
        self.assertEqual(repair.warranty_coverage, "manufacturer")

    @freeze_time("2026-06-01")
    def test_goodwill_by_a_manager(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00", user=self.user_workshop)
        self.assertEqual(repair.warranty_coverage, "none")
        repair = repair.with_user(self.user_manager)
        with self.assertRefused("Enter the goodwill reason of repair"):
            repair.action_grant_goodwill()
        repair.goodwill_reason = "Loyal customer, failure one month after expiry"
        repair.with_context(tracking_disable=False).action_grant_goodwill()
        self.env.cr.precommit.run()  # tracking values are written when the transaction commits
        self.assertEqual(repair.warranty_coverage, "goodwill")
        self.assertEqual(repair.goodwill_user_id, self.user_manager)
        self.assertEqual(repair.goodwill_date, date(2026, 6, 1))
        self.assertTrue(repair.under_warranty)
        self.assertIn("Goodwill granted by Max Manager: Loyal customer", repair.warranty_coverage_reason)
        tracked = repair.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "warranty_coverage"
        )
        self.assertTrue(tracked, "the decision is tracked in the chatter")
        self.assertEqual(tracked[0].mail_message_id.author_id, self.user_manager.partner_id)
        with self.assertRefused("goodwill is only for uncovered units"):
            repair.action_grant_goodwill()

    def test_goodwill_refused_to_the_workshop(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00", user=self.user_workshop)
        repair.goodwill_reason = "Customer insists"
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager can grant goodwill or change the coverage"):
            repair.action_grant_goodwill()
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager"):
            repair.write({"warranty_coverage": "manufacturer"})
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager"):
            repair.write({"goodwill_user_id": self.user_workshop.id})
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager"):
            repair.write({"under_warranty": True})
        repair.write({"under_warranty": False, "odometer_km": 12000})  # what the form saves: unchanged
        self.assertEqual(repair.warranty_coverage, "none")

    def test_manager_changes_coverage_of_a_confirmed_order(self):
        """E.g. after an independent examination: only a manager may, and it is tracked."""
        repair = self._repair(self.lot_covered)
        self._confirm(repair)
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager"):
            repair.with_user(self.user_workshop).write({"warranty_coverage": "none"})
        repair.with_user(self.user_manager).write({
            "warranty_coverage": "none", "warranty_coverage_reason": "Examination: damage from misuse",
        })
        self.assertEqual(repair.warranty_coverage, "none")
        self.assertFalse(repair.under_warranty)

    def test_inventory_user_without_warranty_role(self):
        """Core repair users who hold no warranty role still create repairs and see the coverage."""
        repair = self._repair(self.lot_covered, user=self.user_warehouse)
        self.assertEqual(repair.warranty_coverage, "manufacturer")
        self.assertEqual(self.lot_covered.with_user(self.user_warehouse).warranty_state, "active")
        with self.assertRaises(AccessError):
            self.registration.with_user(self.user_warehouse).read(["name"])

    def test_odometer_cannot_go_back(self):
        first = self._repair(self.lot_covered, odometer=20000)
        self.assertEqual(first.odometer_km, 20000)
        with self.assertRefused("The odometer of VIN-REP-1 cannot read 15000 km: 20000 km was already recorded"):
            self._repair(self.lot_covered, odometer=15000)
        with self.assertRefused("The odometer reading cannot be negative"):
            self._repair(self.lot_unregistered, odometer=-1)
        second = self._repair(self.lot_covered, odometer=25000)
        self.assertEqual(second.warranty_coverage, "manufacturer")


@tagged("post_install", "-at_install")
class TestRepairWork(WarrantyRepairCommon):

    def _add_part(self, repair, qty=1):
        repair.write({"move_ids": [Command.create({
            "product_id": self.seal.id, "product_uom_qty": qty, "repair_line_type": "add",
        })]})

    def test_labour_defaults_to_standard_time(self):
        repair = self._repair(self.lot_covered)
        with Form(repair) as form:
            with form.labor_line_ids.new() as line:
                line.operation_id = self.operation_seal
                self.assertEqual(line.hours, 3.5)
        self.assertEqual(repair.labor_line_ids.hours, 3.5)
        self.assertEqual(repair.labor_hours, 3.5)

    def test_negative_hours_refused(self):
        repair = self._repair(self.lot_covered)
        with self.assertRefused("Labour hours cannot be negative"):
            repair.write({"labor_line_ids": [Command.create({"operation_id": self.operation_seal.id, "hours": -1})]})
        line = self.env["warranty.repair.labor"].create(
            {"repair_id": repair.id, "operation_id": self.operation_seal.id}
        )
        with self.assertRefused(r"Labour hours cannot be negative \(\[01-2310\] Replace rear seal: -2.0 h\)"):
            line.hours = -2

    def test_covered_repair_needs_a_diagnosis_to_complete(self):
        repair = self._repair(self.lot_covered)
        self._add_part(repair)
        self._confirm(repair)
        repair.action_repair_start()
        with self.assertRefused("record a defect code, the failure cause, the causal part before completing it"):
            repair.action_repair_end()
        self.assertEqual(repair.state, "under_repair", "nothing half-done")
        self._diagnose(repair)
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")

    def test_paid_repair_needs_no_diagnosis(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00")
        self._confirm(repair)
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")

    def test_paid_repair_invoices_parts_and_labour_to_the_customer(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00")
        self._add_part(repair, qty=2)
        repair.write({"labor_line_ids": [Command.create({"operation_id": self.operation_seal.id})]})
        repair.action_create_sale_order()
        order = repair.sale_order_id
        self.assertEqual(order.partner_id, self.customer)
        part_line = order.order_line.filtered(lambda line: line.product_id == self.seal)
        labour_line = order.order_line.filtered(lambda line: line.product_id == self.labour_product)
        self.assertEqual((part_line.product_uom_qty, part_line.price_unit), (2, 40))
        self.assertEqual((labour_line.product_uom_qty, labour_line.price_unit), (3.5, 80))
        self.assertEqual(order.amount_untaxed, 2 * 40 + 3.5 * 80)
        # Labour added later lands on the same quotation; changing hours follows
        extra = self.env["warranty.repair.labor"].create(
            {"repair_id": repair.id, "operation_id": self.operation_test.id}
        )
        self.assertEqual(extra.sale_line_id.order_id, order)
        extra.hours = 1.0
        self.assertEqual(extra.sale_line_id.product_uom_qty, 1.0)
        extra.unlink()
        self.assertEqual(len(order.order_line.filtered(lambda line: line.product_id == self.labour_product)), 1)

    def test_covered_repair_charges_the_customer_nothing(self):
        repair = self._repair(self.lot_covered)
        self._add_part(repair)
        repair.write({"labor_line_ids": [Command.create({"operation_id": self.operation_seal.id})]})
        repair.action_create_sale_order()
        order = repair.sale_order_id
        self.assertEqual(len(order.order_line), 2)
        self.assertTrue(all(line.price_unit == 0 for line in order.order_line))
        self.assertEqual(order.amount_total, 0)

    def test_coverage_change_reprices_the_quotation(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00")
        self._add_part(repair)
        repair.write({"labor_line_ids": [Command.create({"operation_id": self.operation_seal.id})]})
        repair.action_create_sale_order()
        self.assertEqual(repair.sale_order_id.amount_untaxed, 40 + 3.5 * 80)
        repair.goodwill_reason = "Commercial gesture"
        repair.with_user(self.user_manager).action_grant_goodwill()
        self.assertEqual(repair.sale_order_id.amount_untaxed, 0, "goodwill work is not charged to the customer")

    def test_manufacturer_is_notified(self):
        self.manufacturer.warranty_notification_days = 5
        with freeze_time("2026-06-01"):
            repair = self._repair(self.lot_covered)
            self._confirm(repair)
        activity = repair.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Notify the manufacturer of the warranty repair")
        self.assertEqual(activity.date_deadline, date(2026, 6, 6))
        self.assertTrue(activity.user_id.has_group("warranty_service.group_warranty_manager"))
        paid = self._repair(self.lot_covered, when="2027-02-01 09:00:00")
        self._confirm(paid)
        self.assertFalse(paid.activity_ids, "a paid repair needs no notification")

    def test_labour_of_a_closed_repair_is_locked(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00")
        repair.write({"labor_line_ids": [Command.create({"operation_id": self.operation_seal.id})]})
        self._confirm(repair)
        repair.action_repair_start()
        repair.action_repair_end()
        with self.assertRefused("is closed: its labour can no longer be changed"):
            repair.labor_line_ids.hours = 8

    def test_repair_act(self):
        repair = self._repair(self.lot_covered, odometer=12345)
        self._diagnose(repair)
        repair.write({"labor_line_ids": [Command.create({"operation_id": self.operation_seal.id})]})
        html, _kind = self.env["ir.actions.report"]._render_qweb_html("warranty_service.report_repair_act", repair.ids)
        html = html.decode()
        for text in ("Repair Act", repair.name, "VIN-REP-1", "12,345", "Manufacturer Warranty",
                     "T-E101", "Seal hardened", "Crankshaft seal", "Replace rear seal", "03:30"):
            self.assertIn(text, html)
        action = repair.with_user(self.user_workshop).action_print_repair_act()
        self.assertEqual(action["report_name"], "warranty_service.report_repair_act")

    def test_catalogue_codes_are_unique(self):
        with self.assertRefused("A defect code must be unique per company"):
            self.env["warranty.defect.code"].create({"code": "T-E101", "name": "Duplicate"})
        with self.assertRefused("A labour operation code must be unique per manufacturer"):
            self.env["warranty.labor.operation"].create({
                "code": "01-2310", "name": "Duplicate", "manufacturer_id": self.manufacturer.id,
                "product_id": self.labour_product.id,
            })
        other = self.env["res.partner"].create({"name": "Other Maker", "is_company": True})
        self.env["warranty.labor.operation"].create({
            "code": "01-2310", "name": "Same code, other maker", "manufacturer_id": other.id,
            "product_id": self.labour_product.id,
        })

    def test_workshop_records_diagnosis_and_labour_but_not_catalogues(self):
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        self._diagnose(repair.with_user(self.user_workshop))
        repair.with_user(self.user_workshop).write({
            "labor_line_ids": [Command.create({"operation_id": self.operation_seal.id})],
        })
        self.assertEqual(repair.labor_line_ids.user_id, self.user_workshop)
        with self.assertRaises(AccessError):
            self.env["warranty.defect.code"].with_user(self.user_workshop).create({"code": "X", "name": "X"})
        with self.assertRaises(AccessError):
            self.operation_seal.with_user(self.user_workshop).standard_hours = 10
        self.env["warranty.defect.code"].with_user(self.user_manager).create({"code": "X-1", "name": "New code"})


@tagged("post_install", "-at_install")
class TestRepairService(WarrantyRepairCommon):
    """Loaners, transport and independent examination."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.loaner_a, cls.loaner_b = cls._create_lots(cls.saw, "LOANER-A", "LOANER-B")

    def _stock_loaners(self, repair):
        fleet = repair._get_loaner_location()
        for lot in self.loaner_a | self.loaner_b:
            self.env["stock.quant"]._update_available_quantity(lot.product_id, fleet, 1, lot_id=lot)
        return fleet

    def _quant_location(self, lot):
        return self.env["stock.quant"].search([("lot_id", "=", lot.id), ("quantity", ">", 0)]).location_id

    def test_loaner_out_and_back(self):
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        fleet = self._stock_loaners(repair)
        self.assertEqual(fleet.name, "Loaner Fleet")
        self.assertEqual(self._quant_location(self.loaner_a), fleet)
        repair = repair.with_user(self.user_workshop)
        repair.loaner_lot_id = self.loaner_a
        self.assertEqual(repair.loaner_state, "planned")
        repair.action_lend_loaner()
        self.assertEqual(repair.loaner_state, "lent")
        self.assertEqual(self._quant_location(self.loaner_a), self.customers)
        out = repair.service_picking_ids.filtered(lambda p: p.warranty_transfer_kind == "loaner_out")
        self.assertEqual(out.state, "done")
        self.assertEqual(out.move_line_ids.lot_id, self.loaner_a)
        self.assertFalse(self.loaner_a.warranty_registration_ids, "lending is not selling: no warranty registered")
        action = repair.action_print_loan_agreement()
        self.assertEqual(action["report_name"], "warranty_service.report_loan_agreement")

        repair.action_return_loaner()
        self.assertEqual(repair.loaner_state, "returned")
        self.assertEqual(self._quant_location(self.loaner_a), fleet)
        self.assertEqual(repair.service_picking_count, 2)

    def test_add_to_fleet_then_lend(self):
        self.env["stock.quant"]._update_available_quantity(self.saw, self.stock_location, 1, lot_id=self.loaner_a)
        repair = self._repair(self.lot_covered)
        # Told when the unit is chosen, not only at Lend Loaner (issue 17)
        with self.assertRefused("LOANER-B is not a unit of the loaner fleet"):
            repair.loaner_lot_id = self.loaner_b
        with self.assertRefused("LOANER-A is not a unit of the loaner fleet"):
            self._repair(self.lot_extended, loaner_lot_id=self.loaner_a.id)
        self.assertNotIn(
            self.lot_extended, self.env["stock.lot"].search(literal_eval(repair._fields["loaner_lot_id"].domain)),
            "a customer's unit is not offered as a loaner",
        )
        with self.assertRefused("Serial number LOANER-B is not in stock: receive it first"):
            self.loaner_b.with_user(self.user_parts).action_add_to_loaner_fleet()
        self.loaner_a.with_user(self.user_parts).action_add_to_loaner_fleet()
        fleet = repair._get_loaner_location()
        self.assertEqual(self._quant_location(self.loaner_a), fleet)
        repair.loaner_lot_id = self.loaner_a
        repair.with_user(self.user_workshop).action_lend_loaner()
        self.assertEqual(self._quant_location(self.loaner_a), self.customers)

    def test_loaner_cannot_be_lent_twice(self):
        first = self._repair(self.lot_covered)
        self._stock_loaners(first)
        first.loaner_lot_id = self.loaner_a
        # Both chose the unit while it waited in the fleet; the first to lend it takes it
        second = self._repair(self.lot_extended, loaner_lot_id=self.loaner_a.id)
        first.action_lend_loaner()
        with self.assertRefused(f"Loaner LOANER-A is already lent on repair {first.name}"):
            second.action_lend_loaner()
        self.assertEqual(second.loaner_state, "planned", "nothing half-done")
        self.assertFalse(second.service_picking_ids)
        with self.assertRefused("The loaner of repair .* is already out"):
            first.action_lend_loaner()

    def test_loaner_under_repair_refused(self):
        broken_loaner_repair = self._repair(self.loaner_b, odometer=0)
        repair = self._repair(self.lot_covered)
        self._stock_loaners(repair)
        repair.loaner_lot_id = self.loaner_b
        with self.assertRefused(f"Loaner LOANER-B is itself under repair \\({broken_loaner_repair.name}\\)"):
            repair.action_lend_loaner()
        with self.assertRefused("A unit cannot be its own loaner"):
            repair.loaner_lot_id = self.lot_covered

    def test_pickup_and_return_transport(self):
        repair = self._repair(self.lot_covered)
        repair.action_create_pickup()
        pickup = repair.service_picking_ids
        self.assertEqual(pickup.warranty_transfer_kind, "pickup")
        self.assertEqual(
            (pickup.location_id, pickup.location_dest_id), (self.customers, repair.product_location_src_id)
        )
        self.assertEqual(pickup.partner_id, self.customer)
        pickup.move_ids.picked = True
        pickup.button_validate()
        self.assertEqual(pickup.state, "done")
        quant = self.env["stock.quant"].search([("lot_id", "=", self.lot_covered.id), ("quantity", ">", 0)])
        self.assertEqual(quant.location_id, repair.product_location_src_id, "the unit is in the workshop")
        self.assertEqual(quant.owner_id, self.customer, "it still belongs to the customer")
        self.assertEqual(self.registration.state, "active", "collecting a unit for repair does not void its warranty")
        with self.assertRefused("already has this transport planned"):
            repair.action_create_pickup()

        repair.action_create_return_delivery()
        delivery = repair.service_picking_ids.filtered(lambda p: p.warranty_transfer_kind == "delivery")
        delivery.move_ids.picked = True
        delivery.button_validate()
        in_house = self.env["stock.quant"].search([
            ("lot_id", "=", self.lot_covered.id), ("location_id.usage", "=", "internal"), ("quantity", ">", 0),
        ])
        self.assertFalse(in_house, "the unit has left the workshop")
        self.assertEqual(delivery.move_line_ids.location_dest_id, self.customers)
        self.assertEqual(self.registration.state, "active")
        self.assertEqual(self.lot_covered.warranty_registration_count, 1, "bringing it back is no new sale")

    def test_transport_needs_a_serial_and_customer(self):
        repair = self._repair(self.lot_covered)
        repair.partner_id = False
        with self.assertRefused("needs a serial number and a customer to plan a transport"):
            repair.action_create_pickup()

    def test_independent_examination(self):
        repair = self._repair(self.lot_covered)
        self._confirm(repair)
        with self.assertRefused("Choose the examiner"):
            repair.action_send_to_expertise()
        examiner = self.env["res.partner"].create({"name": "Independent Lab"})
        repair.expertise_partner_id = examiner
        repair.with_user(self.user_workshop).action_send_to_expertise()
        self.assertEqual(repair.expertise_state, "sent")
        with self.assertRefused("Enter the examiner's verdict"):
            repair.action_record_expertise_overturned()
        repair.expertise_result = "Seal damaged by a foreign body: not a material defect"
        repair.with_user(self.user_workshop).action_record_expertise_overturned()
        self.assertEqual(repair.expertise_state, "overturned")
        # The outcome changes the coverage only by a manager's hand
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager"):
            repair.with_user(self.user_workshop).write({"warranty_coverage": "none"})
        repair.with_user(self.user_manager).write({
            "warranty_coverage": "none", "warranty_coverage_reason": "Examination: foreign body damage",
        })
        self.assertFalse(repair.under_warranty)

from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestRegistration(WarrantyCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_a, cls.lot_b = cls._create_lots(cls.van, "VIN-REG-A", "VIN-REG-B")
        cls.saw_lot = cls._create_lots(cls.saw, "SAW-REG-1")

    @freeze_time("2026-03-15")
    def test_manual_registration_takes_the_product_terms(self):
        """A unit sold before the system existed is registered by hand in the form."""
        with Form(self.env["warranty.registration"].with_user(self.user_manager)) as form:
            form.lot_id = self.lot_a
            self.assertEqual(form.product_id, self.van, "the product follows the serial")
            form.partner_id = self.customer
            form.date_start = date(2025, 3, 1)
        registration = form.record
        self.assertRegex(registration.name, r"^WR/2026/\d{5}$")
        self.assertEqual(registration.date_end, date(2027, 2, 28), "24 whole months from 1 March")
        self.assertEqual(registration.mileage_limit_km, 100000)
        self.assertFalse(registration.date_end_extended)
        self.assertEqual(registration.state, "active")
        self.assertEqual(registration.manufacturer_id, self.manufacturer)

    def test_references_follow_each_other_in_a_batch(self):
        registrations = self.env["warranty.registration"].create([
            {"lot_id": self.lot_a.id, "partner_id": self.customer.id},
            {"lot_id": self.lot_b.id, "partner_id": self.customer.id},
        ])
        first, second = (int(name.rsplit("/", 1)[1]) for name in registrations.mapped("name"))
        self.assertEqual(second, first + 1)

    def test_extension_by_hand(self):
        registration = self._register(self.lot_a, date_start=date(2026, 1, 10), extension_product_id=self.extension.id)
        self.assertEqual(registration.date_end, date(2028, 1, 9))
        self.assertEqual(registration.date_end_extended, date(2029, 1, 9))
        self.assertEqual(
            registration.extension_mileage_limit_km, 100000, "the extension keeps the manufacturer's limit"
        )
        self.assertEqual(registration.date_expiry, date(2029, 1, 9))

    def test_serial_of_another_product_refused(self):
        with self.assertRaisesRegex(ValidationError, "Serial number SAW-REG-1 belongs to Test Saw, not to Test Van"):
            self._register(self.saw_lot, product_id=self.van.id)

    def test_end_before_start_refused(self):
        with self.assertRefused("The warranty cannot end before it starts"):
            self._register(self.lot_a, date_start=date(2026, 1, 1), date_end=date(2025, 12, 31))
        registration = self._register(self.lot_a, date_start=date(2026, 1, 1))
        with self.assertRefused(r"warranty of VIN-REG-A cannot end \(12/31/2025\) before it starts \(01/01/2026\)"):
            registration.date_end = date(2025, 12, 31)

    def test_negative_mileage_limit_refused(self):
        with self.assertRefused("A mileage limit cannot be negative"):
            self._register(self.lot_a, mileage_limit_km=-10)
        registration = self._register(self.lot_a)
        with self.assertRefused("mileage limit of VIN-REG-A cannot be negative"):
            registration.mileage_limit_km = -10

    def test_extension_product_must_be_an_extension(self):
        with self.assertRaisesRegex(ValidationError, "is not an extended warranty product"):
            self._register(self.lot_a, extension_product_id=self.trailer.id)

    def test_second_registration_of_a_serial_refused(self):
        first = self._register(self.lot_a)
        with self.assertRaisesRegex(
            ValidationError, f"Serial number VIN-REG-A already has the warranty registration {first.name}",
        ):
            self._register(self.lot_a)
        with self.assertRaisesRegex(ValidationError, "already has the warranty registration"):
            self.env["warranty.registration"].create([
                {"lot_id": self.lot_b.id, "partner_id": self.customer.id},
                {"lot_id": self.lot_b.id, "partner_id": self.customer.id},
            ])
        self.assertFalse(self.lot_b.warranty_registration_ids, "nothing of the refused batch is written")

    def test_database_refuses_a_second_registration(self):
        """The exclusion constraint holds even when the Python check is bypassed (two concurrent deliveries)."""
        first = self._register(self.lot_a)
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.ExclusionViolation), self.env.cr.savepoint():
            self.env.cr.execute(
                """INSERT INTO warranty_registration
                       (name, lot_id, product_id, company_id, date_start, date_end, is_void,
                        mileage_limit_km, extension_mileage_limit_km)
                   SELECT 'WR/DUP', lot_id, product_id, company_id, date_start, date_end, false, 0, 0
                     FROM warranty_registration WHERE id = %s""",
                [first.id],
            )
        # A void registration does not count: the serial can be registered again
        first.action_void()
        second = self._register(self.lot_a)
        self.assertEqual(self.lot_a.warranty_registration_id, second)

    def test_void_and_register_again(self):
        first = self._register(self.lot_a)
        first.with_user(self.user_manager).action_void()
        self.assertEqual(first.state, "void")
        self.assertIn("Voided by Max Manager", first.void_reason)
        self.assertEqual(self.lot_a.warranty_state, "void")
        second = self._register(self.lot_a)
        self.assertEqual(self.lot_a.warranty_state, "active")
        self.assertEqual(self.lot_a.warranty_registration_id, second)
        self.assertEqual(self.lot_a.warranty_registration_count, 2)

    def test_expiry_follows_the_date_without_a_job(self):
        registration = self._register(self.lot_a, date_start=date(2024, 5, 1))  # ends 2026-04-30
        with freeze_time("2026-04-30"):
            registration.invalidate_recordset(["state"])
            self.assertEqual(registration.state, "active")
            self.assertIn(registration, self.env["warranty.registration"].search([("state", "=", "active")]))
            self.assertEqual(self.lot_a.warranty_state, "active")
        with freeze_time("2026-05-01"):
            registration.invalidate_recordset(["state"])
            self.lot_a.invalidate_recordset()
            self.assertEqual(registration.state, "expired")
            self.assertIn(registration, self.env["warranty.registration"].search([("state", "=", "expired")]))
            self.assertNotIn(
                registration, self.env["warranty.registration"].search([("state", "in", ["active", "void"])])
            )
            self.assertIn(registration, self.env["warranty.registration"].search([("state", "!=", "active")]))
            self.assertEqual(self.lot_a.warranty_state, "expired")
            self.assertIn(self.lot_a, self.env["stock.lot"].search([("warranty_state", "=", "expired")]))

    def test_lot_warranty_state_search(self):
        self._register(self.lot_a)
        void = self._register(self.lot_b)
        void.action_void()
        Lot = self.env["stock.lot"]
        self.assertIn(self.lot_a, Lot.search([("warranty_state", "=", "active")]))
        self.assertIn(self.lot_b, Lot.search([("warranty_state", "=", "void")]))
        self.assertNotIn(self.lot_b, Lot.search([("warranty_state", "=", "active")]))
        self.assertIn(self.saw_lot, Lot.search([("warranty_state", "=", "none")]))
        self.assertEqual(self.saw_lot.warranty_state, "none")

    def test_lookup_by_serial(self):
        """A serial (VIN) typed in the search finds its registration in one step."""
        registration = self._register(self.lot_a)
        Registration = self.env["warranty.registration"]
        self.assertEqual(Registration.search([("lot_id", "ilike", "VIN-REG-A")]), registration)
        self.assertEqual(Registration.name_search("VIN-REG-A")[0][0], registration.id)
        action = self.lot_a.action_view_warranty_registrations()
        self.assertEqual(action["res_id"], registration.id)

    def test_registration_from_a_delivery_cannot_be_deleted(self):
        registration = self._register(self.lot_a)
        registration.picking_id = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.out_type_id.id,
            "location_id": self.stock_location.id,
            "location_dest_id": self.env.ref("stock.stock_location_customers").id,
        })
        with self.assertRaisesRegex(UserError, "cannot be deleted: void it instead"):
            registration.unlink()

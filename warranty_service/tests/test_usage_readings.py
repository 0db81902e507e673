from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_repair import WarrantyRepairCommon


@tagged("post_install", "-at_install")
class TestUsageReadings(WarrantyRepairCommon):
    """Step 2 of issue 24: usage in km or engine hours, read at intake, never going backwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tractor = cls.env["product.product"].create({
            "name": "Test Tractor", "type": "consu", "is_storable": True, "tracking": "serial",
            "warranty_months": 12, "warranty_usage_unit": "hours", "warranty_manufacturer_id": cls.manufacturer.id,
        })
        cls.drivetrain = cls.env["warranty.coverage.component"].create({
            "name": "Drivetrain", "code": "DT2000", "kind": "powertrain",
            "product_tmpl_id": cls.tractor.product_tmpl_id.id, "months": 12, "limit_hours": 2000,
            "broken_meter_hours_per_day": 12,
        })
        cls.tractor_lot = cls._create_lots(cls.tractor, "TRC-USE-1")
        cls.tractor_registration = cls.env["warranty.registration"].create({
            "lot_id": cls.tractor_lot.id, "partner_id": cls.customer.id, "date_start": "2026-01-01",
        })

    def _tractor_repair(self, when, hours, **values):
        return self._repair(self.tractor_lot, when=when, odometer=0, user=self.user_workshop, hour_meter=hours,
                            **values)

    def test_intake_reading_recorded(self):
        repair = self._tractor_repair("2026-03-01 09:00:00", 410.5)
        reading = repair.usage_reading_ids
        self.assertEqual(
            (reading.lot_id, reading.date, reading.value, reading.unit, reading.meter_replaced),
            (self.tractor_lot, date(2026, 3, 1), 410.5, "hours", False),
        )
        # Corrected on the repair, the reading follows
        repair.with_user(self.user_workshop).hour_meter = 412
        self.assertEqual(repair.usage_reading_ids.value, 412)
        van_repair = self._repair(self.lot_covered, odometer=15000, user=self.user_workshop)
        self.assertEqual((van_repair.usage_reading_ids.value, van_repair.usage_reading_ids.unit), (15000, "km"))

    def test_backwards_reading_refused_unless_meter_replaced(self):
        self._tractor_repair("2026-03-01 09:00:00", 500)
        Repair = self.env["repair.order"]
        count = Repair.search_count([("lot_id", "=", self.tractor_lot.id)])
        with self.assertRefused(
            r"The meter of TRC-USE-1 cannot read 400.0 h on 04/01/2026: 500.0 h was already recorded on "
            r"03/01/2026. Check the reading, or tick Meter Replaced if the meter was changed."
        ):
            self._tractor_repair("2026-04-01 09:00:00", 400)
        self.assertEqual(Repair.search_count([("lot_id", "=", self.tractor_lot.id)]), count, "nothing written")
        replaced = self._tractor_repair("2026-04-01 09:00:00", 40, meter_replaced=True)
        self.assertTrue(replaced.usage_reading_ids.meter_replaced)
        self.assertTrue(self.tractor_lot.warranty_meter_replaced)
        # The new meter's readings are compared with the new meter's only
        self._tractor_repair("2026-05-01 09:00:00", 90)
        with self.assertRefused("cannot read 30.0 h on 05/15/2026: 90.0 h was already recorded on 05/01/2026"):
            self._tractor_repair("2026-05-15 09:00:00", 30)

    def test_reading_dated_before_a_higher_one_refused(self):
        Reading = self.env["warranty.usage.reading"].with_user(self.user_workshop)
        Reading.create({"lot_id": self.tractor_lot.id, "date": "2026-05-01", "value": 700})
        with self.assertRefused(
            r"cannot read 800.0 h on 04/01/2026: 700.0 h was recorded later, on 05/01/2026"
        ):
            Reading.create({"lot_id": self.tractor_lot.id, "date": "2026-04-01", "value": 800})
        with self.assertRefused("A meter reading cannot be negative"):
            Reading.create({"lot_id": self.tractor_lot.id, "date": "2026-06-01", "value": -1})

    def test_odometer_backwards_allowed_after_a_replaced_cluster(self):
        self._repair(self.lot_covered, when="2026-03-01 09:00:00", odometer=50000, user=self.user_workshop)
        with self.assertRefused("The odometer of VIN-REP-1 cannot read 100 km: 50000 km was already recorded"):
            self._repair(self.lot_covered, when="2026-04-01 09:00:00", odometer=100, user=self.user_workshop)
        repair = self._repair(self.lot_covered, when="2026-04-01 09:00:00", odometer=100, user=self.user_workshop,
                              meter_replaced=True)
        self.assertEqual(repair.usage_reading_ids.value, 100)

    def test_bad_hour_meter_refused(self):
        with self.assertRefused("The hour meter reading cannot be negative"):
            self._tractor_repair("2026-03-01 09:00:00", -3)
        repair = self._tractor_repair("2026-03-01 09:00:00", 100)
        repair.sudo().state = "done"
        with self.assertRefused(r"Repair .* is closed: its meter reading can no longer change"):
            repair.with_user(self.user_workshop).hour_meter = 150
        self.assertEqual(repair.usage_reading_ids.value, 100)

    def test_broken_meter_counts_hours_per_day(self):
        """12 hours a calendar day since delivery when the hour meter is broken: 2026-01-01 to 2026-06-30
        is 181 days, 2172 hours, over the drivetrain's 2000; 2026-06-01 is 1812 hours, within it."""
        registration = self.tractor_registration.with_user(self.user_workshop).with_context(lang="en_US")
        over = registration._get_component_verdicts(date(2026, 6, 30), 0, 0, meter_broken=True)[0]
        self.assertFalse(over["covered"])
        self.assertEqual(over["reason"], "Powertrain (DT2000): the hour meter is broken and 12.0 hours a day since "
                                         "01/01/2026 make 2172.0 engine hours, over its limit of 2000 hours.")
        within = registration._get_component_verdicts(date(2026, 6, 1), 0, 0, meter_broken=True)[0]
        self.assertTrue(within["covered"])
        # A working meter counts what it shows
        self.assertTrue(registration._get_component_verdicts(date(2026, 6, 30), 0, 100)[0]["covered"])

    def test_roles(self):
        reading = self.env["warranty.usage.reading"].with_user(self.user_workshop).create(
            {"lot_id": self.tractor_lot.id, "date": "2026-02-01", "value": 10},
        )
        with self.assertRaises(AccessError):
            reading.with_user(self.user_parts).value = 5
        with self.assertRaises(AccessError):
            reading.with_user(self.user_workshop).unlink()
        self.assertEqual(reading.with_user(self.user_accountant).value, 10)
        # Stock users without a warranty role still create repairs, and their readings
        stock_user = self.user_warehouse
        stock_user.groups_id = [Command.link(self.env.ref("stock.group_stock_user").id)]
        repair = self._repair(self.tractor_lot, when="2026-03-01 09:00:00", odometer=0, user=stock_user,
                              hour_meter=30)
        self.assertEqual(repair.sudo().usage_reading_ids.value, 30)

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestCoverage(WarrantyCommon):
    """check_coverage: manufacturer term first, then the extension, else not covered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.long_extension = cls.env["product.product"].create({
            "name": "Extended Warranty +24 months, 150,000 km",
            "type": "service",
            "is_extended_warranty": True,
            "warranty_extension_months": 24,
            "warranty_mileage_km": 150000,
        })
        lot_plain, lot_ext, lot_own_limit, lot_saw = (
            cls._create_lots(cls.van, "VIN-COV-1", "VIN-COV-2", "VIN-COV-3") | cls._create_lots(cls.saw, "SAW-COV-1")
        )
        Registration = cls.env["warranty.registration"]
        # Van: 24 months / 100,000 km from 2025-01-01, so manufacturer until 2026-12-31
        cls.plain = Registration.create({"lot_id": lot_plain.id, "date_start": "2025-01-01"})
        cls.extended = Registration.create({
            "lot_id": lot_ext.id, "date_start": "2025-01-01", "extension_product_id": cls.extension.id,
        })
        cls.own_limit = Registration.create({
            "lot_id": lot_own_limit.id, "date_start": "2025-01-01", "extension_product_id": cls.long_extension.id,
        })
        cls.saw_registration = Registration.create({"lot_id": lot_saw.id, "date_start": "2025-01-01"})

    def test_manufacturer_term(self):
        result = self.plain.check_coverage(date(2026, 12, 31), 99999)
        self.assertEqual(result["coverage"], "manufacturer")
        self.assertEqual(result["reason"], "Manufacturer's warranty until 12/31/2026 or 100000 km.")

    def test_manufacturer_term_without_mileage_limit(self):
        result = self.saw_registration.check_coverage(date(2025, 6, 1), 5000000)
        self.assertEqual(result["coverage"], "manufacturer", "no mileage limit means any odometer is covered")

    def test_expired(self):
        result = self.plain.check_coverage(date(2027, 1, 1), 1000)
        self.assertEqual(result, {"coverage": "none", "reason": "The warranty expired on 12/31/2026."})

    def test_over_mileage(self):
        result = self.plain.check_coverage(date(2026, 1, 1), 100001)
        self.assertEqual(result["coverage"], "none")
        self.assertEqual(result["reason"], "The unit has run 100001 km, over the warranty limit of 100000 km.")

    def test_extension_after_the_manufacturer_term(self):
        self.assertEqual(self.extended.check_coverage(date(2026, 12, 31))["coverage"], "manufacturer")
        result = self.extended.check_coverage(date(2027, 6, 1), 50000)
        self.assertEqual(result["coverage"], "extension")
        self.assertIn("Extended warranty (Extended Warranty +12 months) until 12/31/2027", result["reason"])
        self.assertEqual(self.extended.check_coverage(date(2028, 1, 1))["coverage"], "none")

    def test_extension_keeps_the_manufacturer_mileage_limit(self):
        result = self.extended.check_coverage(date(2027, 6, 1), 120000)
        self.assertEqual(result["coverage"], "none")
        self.assertIn("over the warranty limit of 100000 km", result["reason"])

    def test_extension_with_its_own_mileage_limit(self):
        # Over the manufacturer's 100,000 km but within the extension's 150,000 km: the extension covers
        result = self.own_limit.check_coverage(date(2026, 6, 1), 120000)
        self.assertEqual(result["coverage"], "extension")
        self.assertIn("150000 km", result["reason"])
        result = self.own_limit.check_coverage(date(2028, 6, 1), 160000)
        self.assertEqual(result["coverage"], "none")
        self.assertIn("over the warranty limit of 150000 km", result["reason"])

    def test_void(self):
        self.plain.action_void()
        result = self.plain.check_coverage(date(2026, 1, 1))
        self.assertEqual(result["coverage"], "none")
        self.assertRegex(result["reason"], r"Registration WR/.* is void \(Voided by")

    def test_before_the_start(self):
        result = self.plain.check_coverage(date(2024, 12, 31))
        self.assertEqual(result["coverage"], "none")
        self.assertIn("before the warranty started", result["reason"])

    @freeze_time("2026-02-01")
    def test_defaults_to_today_and_accepts_strings(self):
        """Over XML-RPC the date arrives as a string; without one, today is used."""
        self.assertEqual(self.plain.check_coverage()["coverage"], "manufacturer")
        self.assertEqual(self.plain.check_coverage("2027-02-01", "10")["coverage"], "none")

    def test_negative_odometer_refused(self):
        with self.assertRefused("The odometer reading cannot be negative"):
            self.plain.check_coverage(date(2026, 1, 1), -1)

    def test_by_serial_in_three_queries(self):
        """The workshop's and the integrations' question, "is this VIN covered?", in one call."""
        Registration = self.env["warranty.registration"].with_user(self.user_workshop)
        Registration.check_coverage_by_serial("VIN-COV-2")  # the user, its rules and language are known
        self.env["warranty.registration"].invalidate_model()
        self.env["stock.lot"].invalidate_model()
        # Measured: 2 (the indexed search, the registration's fields); target of the benchmark: <= 3
        with self.assertQueryCount(3):
            result = Registration.check_coverage_by_serial(" VIN-COV-1 ", date(2026, 6, 1), 20000)
        self.assertEqual((result["coverage"], result["registration"], result["serial"]),
                         ("manufacturer", self.plain.name, "VIN-COV-1"))
        extended = Registration.check_coverage_by_serial("VIN-COV-2", date(2027, 6, 1), 20000)
        self.assertEqual((extended["coverage"], extended["registration"]), ("extension", self.extended.name))
        unknown = Registration.check_coverage_by_serial("VIN-NOBODY")
        self.assertEqual((unknown["coverage"], unknown["registration"]), ("none", False))
        self.assertEqual(unknown["reason"], "Serial number VIN-NOBODY has no warranty registration.")
        with self.assertRefused("Enter the serial number"):
            Registration.check_coverage_by_serial("  ")

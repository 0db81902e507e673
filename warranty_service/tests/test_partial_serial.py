from datetime import date

from odoo.tests import tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestPartialSerial(WarrantyCommon):
    """A unit found from part of its VIN: the last digits the customer reads out at the counter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._create_lots(
            cls.van, "WVWZZZ1JZ3W386752", "WVWZZZ1JZ3W386753", "WVWZZZ1JZ4W111111", "TMBJJ7NE8K0099001",
        )
        Registration = cls.env["warranty.registration"]
        cls.registrations = Registration.create([
            {"lot_id": lot.id, "partner_id": cls.customer.id, "date_start": "2025-06-01"} for lot in cls.lots
        ])
        # Twelve serials that share a tail: more than the check lists
        cls.many = cls._create_lots(cls.van, *(f"MANY{i:02d}-77ZX9Q" for i in range(12)))
        Registration.create([{"lot_id": lot.id, "date_start": "2025-06-01"} for lot in cls.many])
        # A serial of another company contains the same digits: it is not this dealer's to list
        cls.other_company = cls.env["res.company"].create({"name": "Other Dealer"})
        other_lot = cls.env["stock.lot"].create({
            "name": "OTHER0W386759", "product_id": cls.van.id, "company_id": cls.other_company.id,
        })
        cls.env["warranty.registration"].create({
            "lot_id": other_lot.id, "company_id": cls.other_company.id, "date_start": "2025-06-01",
        })
        cls.user_workshop.write({"company_ids": [(4, cls.other_company.id)]})

    def _registration(self):
        return self.env["warranty.registration"].with_user(self.user_workshop).with_context(lang="en_US")

    def test_trigram_indexes(self):
        """pg_trgm is installed by the addon and the serial, reference and registration names are GIN-indexed."""
        self.env.cr.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        self.assertTrue(self.env.cr.fetchone(), "pg_trgm should be installed")
        self.env.cr.execute("""
            SELECT indexname, indexdef FROM pg_indexes
             WHERE indexname IN ('stock_lot__name_index', 'stock_lot__ref_index', 'warranty_registration__name_index')
        """)
        indexes = dict(self.env.cr.fetchall())
        self.assertEqual(sorted(indexes), ["stock_lot__name_index", "stock_lot__ref_index",
                                           "warranty_registration__name_index"])
        for definition in indexes.values():
            self.assertIn("gin_trgm_ops", definition)
            # No pending list: every search would read the rows added since the last vacuum one by one
            self.assertIn("fastupdate=off", definition)

    def test_check_lists_candidates(self):
        """A full serial not found: the registered serials containing it are named, this company's only."""
        result = self._registration().check_coverage_by_serial("w386752", date(2026, 6, 1))
        self.assertEqual((result["coverage"], result["registration"]), ("none", False))
        self.assertEqual(result["candidates"], ["WVWZZZ1JZ3W386752"])
        self.assertEqual(
            result["reason"],
            "Serial number w386752 has no warranty registration. Registered serial numbers containing it: "
            "WVWZZZ1JZ3W386752.",
        )
        # The last six digits of two units; the other company's unit with the same digits is not listed
        result = self._registration().with_company(self.company).check_coverage_by_serial("38675")
        self.assertNotIn("candidates", result, "five characters are too few to list serials")
        self.assertEqual(result["reason"], "Serial number 38675 has no warranty registration.")
        result = self._registration().with_company(self.company).check_coverage_by_serial("W38675")
        self.assertEqual(result["candidates"], ["WVWZZZ1JZ3W386752", "WVWZZZ1JZ3W386753"])
        self.assertIn("containing it: WVWZZZ1JZ3W386752, WVWZZZ1JZ3W386753.", result["reason"])

    def test_check_lists_candidates_of_allowed_companies(self):
        result = self._registration().with_context(
            allowed_company_ids=[self.company.id, self.other_company.id],
        ).check_coverage_by_serial("W38675")
        self.assertEqual(result["candidates"], ["OTHER0W386759", "WVWZZZ1JZ3W386752", "WVWZZZ1JZ3W386753"])

    def test_check_caps_candidates(self):
        result = self._registration().check_coverage_by_serial("77ZX9Q")
        self.assertEqual(result["candidates"], [f"MANY{i:02d}-77ZX9Q" for i in range(10)])
        self.assertEqual(
            result["reason"],
            "Serial number 77ZX9Q has no warranty registration. More than 10 registered serial numbers contain "
            "it, e.g. " + ", ".join(f"MANY{i:02d}-77ZX9Q" for i in range(10)) + ": enter more characters of "
            "the VIN.",
        )

    def test_full_serial_still_exact(self):
        """A full serial is answered by its own registration, never by a candidate that contains it."""
        result = self._registration().check_coverage_by_serial("WVWZZZ1JZ3W386752", date(2026, 6, 1))
        self.assertEqual((result["coverage"], result["registration"]),
                         ("manufacturer", self.registrations[0].name))
        self.assertNotIn("candidates", result)

    def test_candidates_query_budget(self):
        """Not found whole: the exact search, then one indexed search listing the candidates."""
        Registration = self._registration()
        Registration.check_coverage_by_serial("ZZ1JZ4W11")  # ormcaches: rules, language; the user is known
        self.env["warranty.registration"].invalidate_model()
        self.env["stock.lot"].invalidate_model()
        with self.assertQueryCount(2):
            result = Registration.check_coverage_by_serial("ZZ1JZ4W11")
        self.assertEqual(result["candidates"], ["WVWZZZ1JZ4W111111"])

    def test_registration_name_search_by_partial_vin(self):
        """The registration field of a repair or claim finds the unit by any 6 characters of its VIN."""
        Registration = self._registration()
        found = Registration.name_search("e8k009")
        self.assertEqual([name for _id, name in found], [self.registrations[3].display_name])
        # The customer's name and the registration's reference still match
        self.assertIn(self.registrations[0].id, [rid for rid, _name in Registration.name_search("Farmer Jensen")])
        self.assertEqual(Registration.name_search(self.registrations[2].name)[0][0], self.registrations[2].id)
        # The list's search for a serial (the search view's "Serial Number (VIN)" field)
        self.assertEqual(Registration.search([("lot_id", "ilike", "3W38675")]), self.registrations[:2])
        # Short texts go the plain way and still find
        self.assertIn(self.registrations[3].id, [rid for rid, _name in Registration.name_search("K009")])

    def test_lot_search_by_partial_vin(self):
        """The serial lookup screen: serial number or internal reference, by any part."""
        self.lots[3].ref = "FLEET-CAR-0042"
        Lot = self.env["stock.lot"].with_user(self.user_workshop).with_company(self.company)
        self.assertEqual(Lot.search(["|", ("name", "ilike", "w38675"), ("ref", "ilike", "w38675")]),
                         self.lots[:2])
        self.assertEqual(Lot.search(["|", ("name", "ilike", "car-0042"), ("ref", "ilike", "car-0042")]),
                         self.lots[3])
        self.assertEqual([name for _id, name in Lot.name_search("3W386753")], ["WVWZZZ1JZ3W386753"])

    def test_pattern_characters_are_matched_literally(self):
        """%, _ and \\ are characters of a serial, not patterns: no listing of every serial, no short cut."""
        odd = self._create_lots(self.van, "AB\\CD1234", "PCT%50_X99", "PCTA50BX99")
        self.env["warranty.registration"].create([{"lot_id": lot.id, "date_start": "2025-06-01"} for lot in odd])
        Registration = self._registration().with_company(self.company)
        for text in ("%%%%%%", "______", "%_%_%_", "\\\\\\\\\\\\"):
            result = Registration.check_coverage_by_serial(text)
            self.assertNotIn("candidates", result, text)
            self.assertEqual(result["reason"], f"Serial number {text} has no warranty registration.")
            self.assertFalse(Registration.name_search(text), text)
            self.assertFalse(self.env["stock.lot"].with_user(self.user_workshop).name_search(text), text)
        self.assertEqual(Registration.check_coverage_by_serial("\\CD123")["candidates"], ["AB\\CD1234"])
        self.assertEqual(Registration.check_coverage_by_serial("T%50_X")["candidates"], ["PCT%50_X99"],
                         "found literally, not PCTA50BX99")
        self.assertEqual([name for __, name in self.env["stock.lot"].with_user(self.user_workshop).name_search(
            "CT%50_X")], ["PCT%50_X99"])
        self.assertEqual([rid for rid, __ in Registration.name_search("\\CD1234")],
                         odd[:1].warranty_registration_ids.ids)

    def test_coverage_checks_are_read_only(self):
        """Over RPC, Odoo may answer the coverage checks from a read replica: they are marked read-only."""
        Registration = type(self.env["warranty.registration"])
        self.assertIs(getattr(Registration.check_coverage_by_serial, "_readonly", False), True)
        self.assertIs(getattr(Registration.check_coverage, "_readonly", False), True)

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import WarrantyCommon


class CoverageComponentsCommon(WarrantyCommon):
    """A manufacturer's programme: basic 2 years on the van (its own term), powertrain 5 years / 100,000 km,
    emissions 8 years / 80,000 km for every product of the manufacturer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_coverage_programme()

    def _deliver_lots(self, product, *names, on="2025-01-01 10:00:00"):
        lots = self._create_lots(product, *names)
        self._put_in_stock(lots)
        with freeze_time(on):
            order = self._sell([(product, len(lots))])
            self._deliver(order.picking_ids, user=self.user_warehouse)
        return lots.warranty_registration_ids


@tagged("post_install", "-at_install")
class TestCoverageComponents(CoverageComponentsCommon):
    """Step 1 of issue 24: the programme's components, given to each unit at delivery."""

    def test_delivery_gives_the_components(self):
        registrations = self._deliver_lots(self.van, "VIN-CMP-1", "VIN-CMP-2")
        self.assertEqual(len(registrations), 2)
        for registration in registrations:
            # The registration keeps its single term
            self.assertEqual((registration.date_end, registration.mileage_limit_km), (date(2026, 12, 31), 100000))
            lines = registration.component_line_ids
            self.assertEqual(lines.component_id, self.powertrain | self.emissions)
            powertrain = lines.filtered(lambda line: line.component_id == self.powertrain)
            self.assertEqual(
                (powertrain.date_start, powertrain.date_end, powertrain.limit_km, powertrain.limit_hours),
                (date(2025, 1, 1), date(2029, 12, 31), 100000, 0),
            )
            emissions = lines.filtered(lambda line: line.component_id == self.emissions)
            self.assertEqual((emissions.date_end, emissions.limit_km), (date(2032, 12, 31), 80000))

    def test_product_without_components_unchanged(self):
        registration = self._deliver_lots(self.saw, "SAW-CMP-1")
        self.assertFalse(registration.component_line_ids)
        self.assertFalse(registration.component_data)
        result = registration.with_user(self.user_workshop).check_coverage(date(2025, 6, 1), 10)
        self.assertEqual(result, {"coverage": "manufacturer", "reason": "Manufacturer's warranty until 12/31/2025."})

    def test_programme_frozen_at_delivery(self):
        registration = self._deliver_lots(self.van, "VIN-CMP-3")
        self.powertrain.with_user(self.user_manager).months = 36
        line = registration.component_line_ids.filtered(lambda line: line.component_id == self.powertrain)
        self.assertEqual(line.date_end, date(2029, 12, 31), "a sold warranty is not rewritten by the programme")

    def test_the_most_specific_component_wins(self):
        """A product's own component overrides its manufacturer's of the same code; a category's applies to
        the products of its subcategories."""
        tractor_categ = self.env["product.category"].create({"name": "Tractors"})
        small_tractors = self.env["product.category"].create({"name": "Small", "parent_id": tractor_categ.id})
        self.van.categ_id = small_tractors
        Component = self.env["warranty.coverage.component"].with_user(self.user_manager)
        own = Component.create({
            "name": "Powertrain (van)", "code": "PT5", "kind": "powertrain",
            "product_tmpl_id": self.van.product_tmpl_id.id, "months": 72,
        })
        by_category = Component.create({
            "name": "Corrosion", "code": "COR", "kind": "corrosion", "product_categ_id": tractor_categ.id,
            "months": 144,
        })
        registration = self._deliver_lots(self.van, "VIN-CMP-4")
        self.assertEqual(registration.component_line_ids.component_id, own | self.emissions | by_category)
        other = self._deliver_lots(self.saw, "SAW-CMP-2")
        self.assertFalse(other.component_line_ids, "the saw has no manufacturer nor category of a programme")

    def test_check_coverage_lists_the_components(self):
        registration = self._deliver_lots(self.van, "VIN-CMP-5")
        Registration = self.env["warranty.registration"].with_user(self.user_workshop).with_context(lang="en_US")
        # After the basic term, within the powertrain's years and kilometres, over the emissions' kilometres
        result = Registration.check_coverage_by_serial("VIN-CMP-5", "2028-03-01", 90000)
        self.assertEqual((result["coverage"], result["registration"]), ("none", registration.name))
        self.assertEqual(result["reason"], "The warranty expired on 12/31/2026.")
        self.assertEqual(result["components"], [
            {"code": "PT5", "kind": "powertrain", "covered": True, "date_end": "2029-12-31", "limit_km": 100000,
             "limit_hours": 0,
             "reason": "Powertrain (PT5) until 12/31/2029 or 100000 km, whichever comes first."},
            {"code": "EM8", "kind": "emissions", "covered": False, "date_end": "2032-12-31", "limit_km": 80000,
             "limit_hours": 0,
             "reason": "Emissions (EM8): the unit has run 90000 km, over its limit of 80000 km."},
        ])
        later = Registration.check_coverage_by_serial("VIN-CMP-5", "2030-01-01", 1000)["components"]
        self.assertEqual([c["covered"] for c in later], [False, True])
        self.assertEqual(later[0]["reason"], "Powertrain (PT5) ended on 12/31/2029.")

    def test_check_by_serial_with_components_in_one_query(self):
        self._deliver_lots(self.van, "VIN-CMP-6")
        Registration = self.env["warranty.registration"].with_user(self.user_workshop).with_context(lang="en_US")
        Registration.check_coverage_by_serial("VIN-CMP-6", "2026-06-01", 5000)  # ormcaches: rules, language
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=1):
            result = Registration.check_coverage_by_serial("VIN-CMP-6", "2026-06-01", 5000)
        self.assertEqual([c["covered"] for c in result["components"]], [True, True])

    def test_hours_limit(self):
        Component = self.env["warranty.coverage.component"].with_user(self.user_manager)
        drivetrain = Component.create({
            "name": "Drivetrain", "code": "DT", "kind": "powertrain", "product_tmpl_id": self.saw.product_tmpl_id.id,
            "months": 12, "limit_hours": 2000,
        })
        registration = self._deliver_lots(self.saw, "SAW-CMP-3")
        self.assertEqual(registration.component_line_ids.component_id, drivetrain)
        Registration = self.env["warranty.registration"].with_user(self.user_workshop).with_context(lang="en_US")
        within = Registration.check_coverage_by_serial("SAW-CMP-3", "2025-06-01", hours=1999.5)["components"][0]
        self.assertTrue(within["covered"])
        self.assertEqual(
            within["reason"], "Powertrain (DT) until 12/31/2025 or 2000 engine hours, whichever comes first.",
        )
        over = Registration.check_coverage_by_serial("SAW-CMP-3", "2025-06-01", hours="2001")["components"][0]
        self.assertFalse(over["covered"])
        self.assertEqual(over["reason"], "Powertrain (DT): the unit has run 2001.0 engine hours, over its limit of "
                                         "2000 hours.")
        with self.assertRefused("The hour meter reading cannot be negative"):
            Registration.check_coverage_by_serial("SAW-CMP-3", "2025-06-01", hours=-1)
        with self.assertRefused("The hour meter reading 'many' is not a number of hours"):
            Registration.check_coverage_by_serial("SAW-CMP-3", "2025-06-01", hours="many")

    def test_bad_components_refused(self):
        Component = self.env["warranty.coverage.component"].with_user(self.user_manager)
        base = {"name": "Battery", "code": "BAT", "kind": "traction_battery", "manufacturer_id": self.manufacturer.id}
        with self.assertRefused("limits cannot be negative"):
            Component.create({**base, "months": 96, "limit_hours": -5})
        with self.assertRefused("nor its hours per day above 24"):
            Component.create({**base, "months": 96, "broken_meter_hours_per_day": 25})
        with self.assertRefused("needs at least one limit: months, kilometres or engine hours"):
            Component.create(base)
        with self.assertRefused("applies to a product, a product category or a manufacturer: set at least one"):
            Component.create({**base, "manufacturer_id": False, "months": 96})
        with self.assertRefused(r"Coverage component Powertrain bis overlaps \[PT5\] Powertrain: both have the code "
                                r"PT5 for the same product, category and manufacturer"):
            Component.create({**base, "name": "Powertrain bis", "code": "PT5", "months": 24})
        self.assertFalse(Component.search([("code", "=", "BAT")]), "nothing was written")
        # Archived, it no longer overlaps: the programme may be replaced
        self.powertrain.with_user(self.user_manager).active = False
        replaced = Component.create({**base, "name": "Powertrain 2027", "code": "PT5", "months": 84})
        registration = self._deliver_lots(self.van, "VIN-CMP-7")
        self.assertEqual(registration.component_line_ids.component_id, replaced | self.emissions)

    def test_bad_registration_component_refused(self):
        registration = self._deliver_lots(self.van, "VIN-CMP-8")
        line = registration.component_line_ids[:1].with_user(self.user_manager)
        with self.assertRefused("cannot be negative: enter 0 for no limit"):
            line.limit_km = -1
        with self.assertRefused(r"cannot start \(12/31/2024\) before the warranty \(01/01/2025\)"):
            line.date_start = "2024-12-31"
        with self.assertRefused("A registration holds each coverage component once"):
            self.env["warranty.registration.component"].with_user(self.user_manager).create({
                "registration_id": registration.id, "component_id": line.component_id.id, "months": 1,
            })

    def test_only_the_manager_configures_the_programme(self):
        for user in (self.user_workshop, self.user_parts, self.user_accountant):
            with self.assertRaises(AccessError):
                self.env["warranty.coverage.component"].with_user(user).create({
                    "name": "Free", "code": "FREE", "manufacturer_id": self.manufacturer.id, "months": 999,
                })
            with self.assertRaises(AccessError):
                self.powertrain.with_user(user).months = 999
        registration = self._deliver_lots(self.van, "VIN-CMP-9")
        line = registration.component_line_ids[:1]
        with self.assertRaises(AccessError):
            line.with_user(self.user_workshop).months = 999
        # Readers of the registration read its components
        self.assertEqual(len(registration.with_user(self.user_parts).component_line_ids), 2)

    def test_other_company_programme_does_not_apply(self):
        other = self.env["res.company"].create({"name": "Other Dealer"})
        self.env["warranty.coverage.component"].create({
            "name": "Other's corrosion", "code": "COR", "kind": "corrosion", "company_id": other.id,
            "manufacturer_id": self.manufacturer.id, "months": 144,
        })
        registration = self._deliver_lots(self.van, "VIN-CMP-10")
        self.assertEqual(registration.component_line_ids.component_id, self.powertrain | self.emissions)
        self.assertFalse(
            self.env["warranty.coverage.component"].with_user(self.user_manager).search([("code", "=", "COR")]),
            "another company's programme is not seen",
        )

from datetime import date

from odoo import Command
from odoo.tests import tagged

from .test_repair_jobs import RepairJobCommon


class CoverageEngineCommon(RepairJobCommon):
    """A van whose basic term (2 years from 2025-01-01) ended, with a powertrain component of 5 years that
    covers its crankshaft seal, and an emissions component of 8 years."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Component = cls.env["warranty.coverage.component"].with_user(cls.user_manager)
        cls.powertrain = Component.create({
            "name": "Powertrain", "code": "PT5", "kind": "powertrain", "manufacturer_id": cls.manufacturer.id,
            "months": 60, "limit_km": 150000, "sequence": 1,
            "covered_product_ids": [Command.link(cls.seal.id)],
        })
        cls.emissions = Component.create({
            "name": "Emissions", "code": "EM8", "kind": "emissions", "manufacturer_id": cls.manufacturer.id,
            "months": 96, "limit_km": 160000, "sequence": 2,
            "covered_product_ids": [Command.link(cls.hose.id)],
        })
        cls.lot_programme = cls._create_lots(cls.van, "VIN-ENG-1")
        cls.registration_programme = cls.env["warranty.registration"].create({
            "lot_id": cls.lot_programme.id, "partner_id": cls.customer.id, "date_start": "2025-01-01",
        })

    def _programme_repair(self, when="2028-03-01 09:00:00", odometer=60000, **job_values):
        repair = self._repair(self.lot_programme, when=when, odometer=odometer, user=self.user_workshop)
        values = self._warranty_job(**job_values)
        values.pop("pay_type")
        repair.write({"job_ids": [Command.create(values)]})
        return repair.with_env(self.env)


@tagged("post_install", "-at_install")
class TestComponentJobsClaimed(CoverageEngineCommon):
    """The workshop claims a job a component covers on a unit whose basic term ended."""

    def test_component_job_defaults_to_warranty_and_is_claimed(self):
        repair = self._programme_repair()
        self.assertEqual(repair.warranty_coverage, "none")
        job = repair.job_ids
        self.assertEqual(job.coverage_component_id, self.powertrain)
        self.assertEqual(job.pay_type, "warranty", "the component covers it: the manufacturer's")
        # A second job on an uncovered part stays the customer's
        mirror = self.env["warranty.repair.job"].with_user(self.user_workshop).create({
            "repair_id": repair.id, "complaint": "Mirror loose", "causal_part_id": self.mirror.id,
        })
        self.assertEqual(mirror.pay_type, "customer")
        self._finish(repair)
        claim = self._claim(repair)
        # seal 25 + 10 %; 3.5 h at 60
        self.assertEqual(claim.line_ids.job_id, job)
        self.assertAlmostEqual(claim.amount_claimed, 27.5 + 210.0, places=2)

    def test_pay_type_chosen_by_hand_stays(self):
        repair = self._programme_repair()
        job = repair.job_ids.with_user(self.user_workshop)
        job.pay_type = "customer"
        self.assertTrue(job.pay_type_chosen)
        job.defect_code_ids = [Command.clear()]
        job.causal_part_id = self.hose
        self.assertEqual(job.coverage_component_id, self.emissions)
        self.assertEqual(job.pay_type, "customer", "the workshop's choice is kept")

    def test_pay_type_follows_the_component_until_chosen(self):
        repair = self._programme_repair(causal_part_id=self.mirror.id)
        job = repair.job_ids.with_user(self.user_workshop)
        self.assertEqual(job.pay_type, "customer")
        job.causal_part_id = self.seal
        self.assertEqual(job.pay_type, "warranty")
        job.causal_part_id = self.mirror
        self.assertEqual(job.pay_type, "customer", "no component covers it any more")
        self.assertFalse(job.pay_type_chosen)


@tagged("post_install", "-at_install")
class TestCoveredUntilWithComponents(CoverageEngineCommon):
    """The registration is covered until the latest end of its term and components."""

    def test_covered_until_and_status(self):
        registration = self.registration_programme.with_user(self.user_workshop)
        self.assertEqual(registration.date_end, date(2026, 12, 31))
        self.assertEqual(registration.date_expiry, date(2032, 12, 31), "the emissions component's end")
        self.assertEqual(registration.with_context(date="2028-03-01").state, "active")
        self.assertEqual(registration.with_context(date="2033-01-01").state, "expired")
        Registration = self.env["warranty.registration"].with_user(self.user_workshop)
        active = Registration.with_context(date="2028-03-01").search([("state", "=", "active")])
        self.assertIn(self.registration_programme, active)
        self.assertNotIn(self.registration, active, "a unit without components ended with its term")
        # The basic term's own answer is unchanged
        result = registration.check_coverage("2028-03-01", 60000)
        self.assertEqual((result["coverage"], result["reason"]), ("none", "The warranty expired on 12/31/2026."))
        self.assertEqual(self.lot_programme.with_user(self.user_workshop).warranty_date_expiry, date(2032, 12, 31))

from odoo import Command
from odoo.tests import tagged

from .test_repair import WarrantyRepairCommon


@tagged("post_install", "-at_install")
class TestJobCoverage(WarrantyRepairCommon):
    """Step 3 of issue 24: which component covers a repair job, or none, and why, as the workshop sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_coverage_programme()
        cls.lot_programme = cls._create_lots(cls.van, "VIN-JOB-1")
        cls.registration_programme = cls.env["warranty.registration"].create({
            "lot_id": cls.lot_programme.id, "partner_id": cls.customer.id, "date_start": "2025-01-01",
        })

    def _job(self, repair, **values):
        return self.env["warranty.repair.job"].with_user(self.user_workshop).create({
            "repair_id": repair.id, "complaint": "It fails", **values,
        })

    def test_component_covers_after_the_basic_term(self):
        repair = self._repair(self.lot_programme, when="2028-03-01 09:00:00", odometer=50000, user=self.user_workshop)
        self.assertEqual(repair.warranty_coverage, "none")
        injector = self._job(repair, causal_part_id=self.injector.id)
        self.assertEqual(injector.coverage_component_id, self.powertrain, "a part of a subcategory of engine parts")
        self.assertEqual(injector.coverage_reason,
                         "Powertrain (PT5) until 12/31/2029 or 100000 km, whichever comes first.")
        knock = self._job(repair, defect_code_ids=[Command.link(self.defect_engine.id)])
        self.assertEqual(knock.coverage_component_id, self.powertrain, "by its defect code")
        mirror = self._job(repair, causal_part_id=self.mirror.id)
        self.assertFalse(mirror.coverage_component_id)
        self.assertEqual(mirror.coverage_reason, "Not covered: The warranty expired on 12/31/2026. No component of "
                                                 "the programme covers this part or defect.")

    def test_component_over_its_limit(self):
        repair = self._repair(self.lot_programme, when="2028-03-01 09:00:00", odometer=90000, user=self.user_workshop)
        catalyst = self._job(repair, causal_part_id=self.catalyst.id)
        self.assertFalse(catalyst.coverage_component_id)
        self.assertEqual(catalyst.coverage_reason,
                         "Not covered: Emissions (EM8): the unit has run 90000 km, over its limit of 80000 km.")
        # The reading corrected on the repair, the verdict follows
        repair.with_user(self.user_workshop).odometer_km = 79000
        self.assertEqual(catalyst.coverage_component_id, self.emissions)

    def test_within_the_basic_term(self):
        repair = self._repair(self.lot_programme, when="2026-06-01 09:00:00", odometer=20000, user=self.user_workshop)
        mirror = self._job(repair, causal_part_id=self.mirror.id)
        self.assertFalse(mirror.coverage_component_id, "the unit's own term covers it, no component")
        self.assertEqual(mirror.coverage_reason, "Manufacturer's warranty until 12/31/2026 or 100000 km.")
        injector = self._job(repair, causal_part_id=self.injector.id)
        self.assertEqual(injector.coverage_component_id, self.powertrain, "the component naming the part first")

    def test_unit_without_components_as_before(self):
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        job = self._job(repair, causal_part_id=self.injector.id)
        self.assertFalse(job.coverage_component_id)
        self.assertEqual(job.coverage_reason, repair.warranty_coverage_reason)
        self.assertEqual(job.pay_type, "warranty", "the pay type still follows the repair's coverage")

    def test_broken_hour_meter(self):
        tractor = self.env["product.product"].create({
            "name": "Tractor", "type": "consu", "is_storable": True, "tracking": "serial", "warranty_months": 6,
            "warranty_usage_unit": "hours",
        })
        drivetrain = self.env["warranty.coverage.component"].create({
            "name": "Drivetrain", "code": "DT", "kind": "powertrain", "product_tmpl_id": tractor.product_tmpl_id.id,
            "months": 12, "limit_hours": 2000, "broken_meter_hours_per_day": 12,
        })
        lot = self._create_lots(tractor, "TRC-JOB-1")
        self.env["warranty.registration"].create({"lot_id": lot.id, "date_start": "2026-01-01"})
        repair = self._repair(lot, when="2026-08-31 09:00:00", odometer=0, user=self.user_workshop, hour_meter=900)
        job = self._job(repair, causal_part_id=self.mirror.id)
        self.assertEqual(job.coverage_component_id, drivetrain)
        # 243 days at 12 hours a day: 2916 hours, over the drivetrain's 2000
        repair.with_user(self.user_workshop).meter_broken = True
        self.assertFalse(job.coverage_component_id)
        self.assertEqual(job.coverage_reason, "Not covered: Powertrain (DT): the hour meter is broken and 12.0 hours "
                                              "a day since 01/01/2026 make 2916.0 engine hours, over its limit of "
                                              "2000 hours.")

    def test_verdict_not_typed_in(self):
        repair = self._repair(self.lot_programme, when="2028-03-01 09:00:00", odometer=50000, user=self.user_workshop)
        job = self._job(repair, causal_part_id=self.mirror.id)
        with self.assertRefused("The coverage of a job is decided from the unit's warranty components"):
            job.with_user(self.user_workshop).write({"coverage_component_id": self.powertrain.id})
        self.assertFalse(job.coverage_component_id)

    def test_frozen_once_done(self):
        repair = self._repair(self.lot_programme, when="2028-03-01 09:00:00", odometer=50000, user=self.user_workshop)
        job = self._job(repair, causal_part_id=self.injector.id)
        repair.sudo().state = "done"
        self.powertrain.covered_categ_ids = [Command.clear()]
        self.powertrain.defect_code_ids = [Command.clear()]
        job.sudo().causal_part_id = self.mirror
        self.assertEqual(job.coverage_component_id, self.powertrain, "the decision of a closed repair stays")

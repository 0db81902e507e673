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


@tagged("post_install", "-at_install")
class TestCustomerShare(CoverageEngineCommon):
    """The customer pays the powertrain's deductible per visit and its pro-rata share; the claim the rest."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # After 36 months, 1.15 % a month: on 2028-03-01 (38 whole months since 2025-01-01) the customer pays 2.3 %
        cls.powertrain.with_user(cls.user_manager).write({
            "deductible_amount": 50.0, "prorata_after_months": 36, "prorata_customer_percent_per_month": 1.15,
        })

    def test_deductible_once_per_visit_and_prorata_to_the_cent(self):
        repair = self._programme_repair()
        repair.with_user(self.user_workshop).write({"job_ids": [Command.create({
            **{key: value for key, value in self._warranty_job().items() if key != "pay_type"},
            "complaint": "Second seal leaks", "labor_line_ids": [],
        })]})
        first, second = repair.job_ids.sorted("id")
        self.assertEqual((first.pay_type, second.pay_type), ("warranty", "warranty"))
        # First job: seal 27.50 + 3.5 h x 60 = 237.50; 2.3 % = 5.4625 -> 5.46, + the 50.00 deductible
        self.assertEqual((first.customer_share_percent, first.customer_deductible_amount), (2.3, 50.0))
        self.assertEqual(first.customer_share_amount, 55.46)
        self.assertAlmostEqual(first.estimated_claim_amount, 182.04, places=2)
        # Second job: seal 27.50 x 2.3 % = 0.6325 -> 0.63, no second deductible on the same visit
        self.assertEqual((second.customer_deductible_amount, second.customer_share_amount), (0.0, 0.63))

        # The customer's quotation: the covered work at zero, one line of each job's share
        repair.action_create_sale_order()
        order = repair.sale_order_id
        share_lines = order.order_line.filtered(lambda line: line.product_id == self.env.ref(
            "warranty_service.product_customer_share"))
        self.assertEqual(sorted(share_lines.mapped("price_subtotal")), [0.63, 55.46])
        self.assertRegex(first.share_sale_line_id.name,
                         r"\(\[PT5\] Powertrain: deductible \S+\s?50\.00, pro-rata 2\.3 %\)")
        self.assertAlmostEqual(order.amount_untaxed, 56.09, places=2)

        self._finish(repair)
        claim = self._claim(repair)
        lines = {(line.job_id, line.line_type): line for line in claim.line_ids}
        # 55.46 spread over the first job's lines: 55.46 x 27.50 / 237.50 = 6.42 on the part, the rest on labour
        part, labour = lines[first, "part"], lines[first, "labor"]
        self.assertEqual((part.customer_share_amount, part.amount_claimed), (6.42, 21.08))
        self.assertEqual((labour.customer_share_amount, labour.amount_claimed), (49.04, 160.96))
        self.assertEqual(lines[second, "part"].amount_claimed, 26.87)
        self.assertAlmostEqual(claim.amount_claimed, 182.04 + 26.87, places=2)
        # Customer + manufacturer = the work's value at the manufacturer's terms, to the cent
        self.assertAlmostEqual(claim.amount_claimed + sum(share_lines.mapped("price_subtotal")), 265.0, places=2)
        with self.assertRefused("The customer's share of a claim line follows from the job's coverage component"):
            part.with_user(self.user_workshop).customer_share_amount = 0.0
        self.assertEqual(part.customer_share_amount, 6.42)

    def test_within_the_full_period_no_prorata(self):
        # 2027-06-01: 29 whole months, before the pro-rata starts; the deductible still applies
        repair = self._programme_repair(when="2027-06-01 09:00:00")
        job = repair.job_ids
        self.assertEqual((job.customer_share_percent, job.customer_share_amount), (0.0, 50.0))
        self.assertEqual(self.powertrain._get_prorata_percent(date(2025, 1, 15), date(2028, 3, 14)), 1.15,
                         "37 whole months: one month of pro-rata")

    def test_customer_job_pays_no_share(self):
        repair = self._programme_repair()
        job = repair.job_ids.with_user(self.user_workshop)
        job.pay_type = "customer"
        self.assertEqual(job.customer_share_amount, 0.0)

    def test_bad_terms_refused(self):
        component = self.powertrain.with_user(self.user_manager)
        with self.assertRefused("The deductible of coverage component \\[PT5\\] Powertrain cannot be negative"):
            component.deductible_amount = -10
        with self.assertRefused("The pro-rata terms of coverage component \\[PT5\\] Powertrain are wrong"):
            component.prorata_customer_percent_per_month = 120
        self.assertEqual((component.deductible_amount, component.prorata_customer_percent_per_month), (50.0, 1.15))

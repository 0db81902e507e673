import base64
import csv
import importlib.util
import io
from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL, file_path

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

    def _export_rows(self, claim, submit_on):
        """The CSV rows of ``claim``, submitted and exported by the workshop."""
        with freeze_time(submit_on):
            claim.with_user(self.user_workshop).action_submit()
        self.assertEqual(claim.state, "submitted")
        wizard = self.env["warranty.claim.export"].with_user(self.user_workshop).with_context(
            active_model="warranty.claim", active_ids=claim.ids,
        ).create({"file_format": "csv"})
        wizard.action_export()
        content = base64.b64decode(wizard.data).decode()
        self.assertEqual(content.splitlines()[0].split(",")[-4:],
                         ["customer_share", "manufacturer_amount", "part_warranty", "part_warranty_date"])
        return list(csv.DictReader(io.StringIO(content)))

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

    def test_component_claim_passes_the_expired_warranty_rule(self):
        """The van's basic term ended: the expired-warranty rule (EW) asks its powertrain component instead."""
        self.env["warranty.claim.validation.rule"].create({
            "manufacturer_id": self.manufacturer.id, "code": "EW", "name": "EW", "kind": "coverage_expired",
        })
        repair = self._programme_repair()
        self._finish(repair)
        claim = self._claim(repair)
        claim.with_user(self.user_workshop).action_validate_claims()
        self.assertEqual((claim.validation_state, claim.validation_result_ids.ids), ("ok", []))
        claim.with_user(self.user_workshop).odometer_km = 160000
        claim.with_user(self.user_workshop).action_validate_claims()
        self.assertEqual([(r.code, r.severity, r.message) for r in claim.validation_result_ids], [(
            "EW", "error", "Not covered by the warranty: Powertrain (PT5): the unit has run 160000 km, over its "
            "limit of 150000 km.",
        )])

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
        terms = {"deductible_amount": 50.0, "prorata_after_months": 36, "prorata_customer_percent_per_month": 1.15}
        cls.powertrain.with_user(cls.user_manager).write(terms)
        # The van was registered before these terms: give its registration the terms, as if registered after
        cls.registration_programme.component_line_ids.filtered(
            lambda line: line.component_id == cls.powertrain
        ).write(terms)

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

        # The file the manufacturer gets: each line's customer share and what it asks of the manufacturer
        rows = {(int(row["job_ref"]), row["line_type"]): row for row in self._export_rows(claim, "2026-06-10")}
        self.assertEqual(
            [(row["customer_share"], row["manufacturer_amount"], row["amount_claimed"], row["part_warranty"])
             for row in (rows[first.id, "part"], rows[first.id, "labor"], rows[second.id, "part"])],
            [("6.42", "21.08", "21.08", ""), ("49.04", "160.96", "160.96", ""), ("0.63", "26.87", "26.87", "")],
        )

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

    def test_terms_frozen_at_registration(self):
        line = self.registration_programme.component_line_ids.filtered(
            lambda line: line.component_id == self.powertrain
        )
        # The programme changes later: a higher deductible, pro-rata from the first year
        self.powertrain.with_user(self.user_manager).write({
            "deductible_amount": 80.0, "prorata_after_months": 12, "prorata_customer_percent_per_month": 5.0,
        })
        self.assertEqual(
            (line.deductible_amount, line.prorata_after_months, line.prorata_customer_percent_per_month),
            (50.0, 36, 1.15), "the running registration keeps its terms",
        )
        job = self._programme_repair().job_ids
        self.assertEqual((job.customer_share_percent, job.customer_deductible_amount, job.customer_share_amount),
                         (2.3, 50.0, 55.46))
        # A unit registered after the change gets the new terms
        lot = self._create_lots(self.van, "VIN-ENG-2")
        later = self.env["warranty.registration"].with_user(self.user_manager).create({
            "lot_id": lot.id, "partner_id": self.customer.id, "date_start": "2026-11-01",
        })
        new_line = later.component_line_ids.filtered(lambda line: line.component_id == self.powertrain)
        self.assertEqual(
            (new_line.deductible_amount, new_line.prorata_after_months, new_line.prorata_customer_percent_per_month),
            (80.0, 12, 5.0),
        )
        # 2028-03-01 is 16 whole months after 2026-11-01: 4 months of pro-rata at 5 %
        self.assertEqual(new_line._get_prorata_percent(date(2028, 3, 1)), 20.0)

    def test_migration_freezes_the_current_terms(self):
        line = self.registration_programme.component_line_ids.filtered(
            lambda line: line.component_id == self.powertrain
        )
        self.env.flush_all()
        # As the upgrade finds a registration of 18.0.1.2.0: the new columns empty
        self.env.cr.execute(SQL(
            "UPDATE warranty_registration_component SET deductible_amount = NULL, prorata_after_months = NULL, "
            "prorata_customer_percent_per_month = NULL WHERE id = %s", line.id,
        ))
        path = file_path("warranty_service/migrations/18.0.1.3.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("warranty_service_post_migrate_18_0_1_3_0", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        line.invalidate_recordset()
        self.assertEqual(
            (line.deductible_amount, line.prorata_after_months, line.prorata_customer_percent_per_month),
            (50.0, 36, 1.15), "the component's terms as they are at the upgrade",
        )

    def test_bad_frozen_terms_refused(self):
        line = self.registration_programme.component_line_ids.filtered(
            lambda line: line.component_id == self.powertrain
        ).with_user(self.user_manager)
        with self.assertRefused(
            f"The deductible of component \\[PT5\\] Powertrain of {self.registration_programme.name} cannot be "
            "negative: enter 0 for none."
        ):
            line.deductible_amount = -10
        with self.assertRefused(
            f"The pro-rata terms of component \\[PT5\\] Powertrain of {self.registration_programme.name} are wrong"
        ):
            line.prorata_customer_percent_per_month = 120
        self.assertEqual((line.deductible_amount, line.prorata_customer_percent_per_month), (50.0, 1.15))

    def test_bad_terms_refused(self):
        component = self.powertrain.with_user(self.user_manager)
        with self.assertRefused("The deductible of coverage component \\[PT5\\] Powertrain cannot be negative"):
            component.deductible_amount = -10
        with self.assertRefused("The pro-rata terms of coverage component \\[PT5\\] Powertrain are wrong"):
            component.prorata_customer_percent_per_month = 120
        self.assertEqual((component.deductible_amount, component.prorata_customer_percent_per_month), (50.0, 1.15))


@tagged("post_install", "-at_install")
class TestExtensionSoldLater(CoverageEngineCommon):
    """A salesperson sells an extended warranty for a registered unit on its own order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.extension_powertrain = cls.env["product.product"].create({
            "name": "Powertrain +24 months", "type": "service", "list_price": 600, "is_extended_warranty": True,
            "warranty_extension_months": 24, "warranty_extension_component_ids": [Command.link(cls.powertrain.id)],
        })
        cls.other_customer = cls.env["res.partner"].create({"name": "Neighbour Olsen"})

    def _order(self, product, lot, qty=1, partner=None):
        return self.env["sale.order"].with_user(self.user_warehouse).create({
            "partner_id": (partner or self.customer).id,
            "order_line": [Command.create({
                "product_id": product.id, "product_uom_qty": qty, "warranty_lot_id": lot.id,
            })],
        })

    def test_component_extended_and_cancelled(self):
        powertrain = self.registration_programme.component_line_ids.filtered(
            lambda line: line.component_id == self.powertrain
        )
        self.assertEqual(powertrain.date_end, date(2029, 12, 31))
        order = self._order(self.extension_powertrain, self.lot_programme)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual((powertrain.months, powertrain.date_end), (84, date(2031, 12, 31)))
        extension = self.registration_programme.extension_ids
        self.assertEqual((extension.state, extension.date_start, extension.months), ("active", date(2026, 11, 20), 24))
        self.assertFalse(self.registration_programme.extension_product_id, "the basic term is not extended")
        result = self.registration_programme.with_user(self.user_workshop).check_coverage("2030-06-01", 90000)
        self.assertTrue(result["components"][0]["covered"], "the powertrain runs until 2031")
        # Cancelling the order takes the extension back exactly
        order.with_user(self.user_warehouse)._action_cancel()
        self.assertEqual((powertrain.months, powertrain.date_end), (60, date(2029, 12, 31)))
        self.assertEqual(extension.state, "cancelled")
        # Sold again after the cancellation: allowed
        self._order(self.extension_powertrain, self.lot_programme).action_confirm()
        self.assertEqual(powertrain.months, 84)

    def test_basic_term_extended_and_cancelled(self):
        order = self._order(self.extension, self.lot_covered)
        order.action_confirm()
        self.assertEqual(self.registration.extension_product_id, self.extension)
        self.assertEqual(self.registration.date_end_extended, date(2027, 12, 31))
        self.assertEqual(self.registration.check_coverage("2027-06-01", 50000)["coverage"], "extension")
        order._action_cancel()
        self.assertFalse(self.registration.extension_product_id)
        self.assertFalse(self.registration.date_end_extended)
        self.assertEqual(self.registration.check_coverage("2027-06-01", 50000)["coverage"], "none")

    def test_refused_and_nothing_changed(self):
        powertrain = self.registration_programme.component_line_ids.filtered(
            lambda line: line.component_id == self.powertrain
        )
        cases = [
            (self._order(self.extension, self.lot_covered, partner=self.other_customer),
             "unit VIN-REP-1 is registered to another customer"),
            (self._order(self.extension, self.lot_extended),
             "unit VIN-REP-2 already has the extended warranty .*: it cannot be extended twice for the same period"),
            (self._order(self.extension_powertrain, self.lot_programme, qty=2),
             "extends that one unit: its quantity is 1"),
            (self._order(self.extension_powertrain, self.lot_covered),
             "extends \\[PT5\\] Powertrain, which unit VIN-REP-1 does not have"),
        ]
        for order, message in cases:
            with self.assertRefused(message):
                order.with_user(self.user_warehouse).action_confirm()
            self.assertEqual(order.state, "draft")
        self.assertEqual(powertrain.months, 60)
        self.assertFalse(self.registration.extension_product_id)
        # Twice for the same component
        self._order(self.extension_powertrain, self.lot_programme).action_confirm()
        again = self._order(self.extension_powertrain, self.lot_programme)
        with self.assertRefused("VIN-ENG-1 is already extended by Powertrain \\+24 months \\(S\\d+\\)"):
            again.action_confirm()
        self.assertEqual(powertrain.months, 84)

    def test_cancel_refused_once_a_repair_relied_on_the_component_extension(self):
        order = self._order(self.extension_powertrain, self.lot_programme)
        order.action_confirm()
        extension = self.registration_programme.extension_ids
        powertrain = extension.component_line_ids
        # Within the powertrain's own 60 months (until 2029-12-31): the repair does not need the extension
        early = self._programme_repair(when="2029-06-01 09:00:00", odometer=80000)
        self._confirm(early.with_user(self.user_workshop))
        # After them, only the extension covers the seal
        late = self._programme_repair(when="2030-06-01 09:00:00", odometer=90000)
        self.assertEqual((late.job_ids.coverage_component_id, late.job_ids.pay_type), (self.powertrain, "warranty"))
        salesman_order = order.with_user(self.user_warehouse)
        self._finish(late, done_on="2030-06-02 10:00:00")
        claim = self._claim(late)
        for cancel in (salesman_order.action_cancel,
                       salesman_order.with_context(disable_cancel_warning=True).action_cancel):
            with self.assertRefused(
                f"Order {order.name} cannot be cancelled: claim {claim.name} of unit VIN-ENG-1 \\(repair of "
                "06/01/2030\\) claims work covered only by the extended warranty Powertrain \\+24 months it sold. "
                "Cancel that claim first, or keep the extension."
            ):
                cancel()
        claim.with_user(self.user_workshop).action_cancel()
        with self.assertRefused(
            f"Order {order.name} cannot be cancelled: repair {late.name} of unit VIN-ENG-1 on 06/01/2030 was "
            "covered only by the extended warranty Powertrain \\+24 months it sold. Cancel that repair or change "
            "its coverage first, or keep the extension."
        ):
            salesman_order.action_cancel()
        self.assertEqual((order.state, extension.state, powertrain.months), ("sale", "active", 84), "nothing changed")

    def test_cancel_refused_once_a_repair_relied_on_the_extended_term(self):
        # The manufacturer's term ended on 2026-12-31: a repair in June 2027 is not covered, until the extension
        repair = self._repair(self.lot_covered, when="2027-06-01 09:00:00", odometer=50000, user=self.user_workshop)
        self.assertEqual(repair.warranty_coverage, "none")
        order = self._order(self.extension, self.lot_covered)
        order.action_confirm()
        self.assertEqual(repair.warranty_coverage, "extension", "the draft repair follows its unit's coverage")
        salesman_order = order.with_user(self.user_warehouse).with_context(disable_cancel_warning=True)
        # A draft repair is decided again when the extension goes; a confirmed one relied on it
        self._confirm(repair)
        with self.assertRefused(
            f"Order {order.name} cannot be cancelled: repair {repair.name} of unit VIN-REP-1 on 06/01/2027 was "
            "covered only by the extended warranty Extended Warranty \\+12 months it sold."
        ):
            salesman_order.action_cancel()
        self.assertEqual((order.state, self.registration.extension_product_id), ("sale", self.extension))
        # Once that repair is cancelled, the order may be; a draft repair then is no longer covered
        repair.with_user(self.user_workshop).action_repair_cancel()
        draft = self._repair(self.lot_covered, when="2027-06-02 09:00:00", odometer=50100, user=self.user_workshop)
        self.assertEqual(draft.warranty_coverage, "extension")
        salesman_order.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(self.registration.extension_product_id)
        self.assertEqual((draft.warranty_coverage, repair.warranty_coverage), ("none", "extension"),
                         "the draft is decided again, the cancelled repair keeps its record")

    def test_void_or_expired_refused(self):
        lot_old = self._create_lots(self.saw, "SAW-OLD-1")
        self._register(lot_old, date_start="2024-06-01")  # 12 months: ended on 2025-05-31
        with self.assertRefused("the warranty of unit SAW-OLD-1 that Extended Warranty \\+12 months extends ended on "
                                "05/31/2025: an extension is sold while the warranty it extends still runs"):
            self._order(self.extension, lot_old).action_confirm()
        self.registration.with_user(self.user_manager).action_void()
        with self.assertRefused("the warranty registration .* of unit VIN-REP-1 is void: it cannot be extended"):
            self._order(self.extension, self.lot_covered).action_confirm()


@tagged("post_install", "-at_install")
class TestPartsWarranty(CoverageEngineCommon):
    """A mirror fitted in a paid repair carries 12 months / 20,000 km of its own warranty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mirror.product_tmpl_id.write({"warranty_part_months": 12, "warranty_part_km": 20000})
        # Nine months later, the mirror failing again is no comeback of the workshop's work
        cls.company.warranty_comeback_months = 3

    def _mirror_job(self, **values):
        return {
            "complaint": "Mirror broken", "cause": "Mirror housing cracked", "correction": "Mirror replaced",
            "defect_code_ids": [Command.set(self.defect.ids)], "causal_part_id": self.mirror.id,
            "labor_line_ids": [self._labour(self.operation_mirror)], "move_ids": [self._part(self.mirror)],
            **values,
        }

    def _fit_mirror(self):
        repair = self._repair(self.lot_covered, when="2026-06-01 09:00:00", odometer=10000, user=self.user_workshop)
        repair.write({"job_ids": [Command.create(self._mirror_job(pay_type="customer"))]})
        self._finish(repair.with_env(self.env))
        return repair

    def test_part_fitted_gets_its_warranty_and_a_later_failure_is_claimed(self):
        fitted = self._fit_mirror()
        warranty = self.env["warranty.part.warranty"].with_user(self.user_workshop).search(
            [("repair_id", "=", fitted.id)]
        )
        self.assertEqual(len(warranty), 1)
        # 12 months from the repair (2026-06-02) run past the van's own term (2026-12-31)
        self.assertEqual(
            (warranty.product_id, warranty.lot_id, warranty.date_start, warranty.date_end, warranty.limit_km),
            (self.mirror, self.lot_covered, date(2026, 6, 2), date(2027, 6, 1), 30000),
        )
        # The van's warranty ended; the mirror fails again
        repair = self._repair(self.lot_covered, when="2027-03-01 09:00:00", odometer=25000, user=self.user_workshop)
        self.assertEqual(repair.warranty_coverage, "none")
        repair.write({"job_ids": [Command.create(self._mirror_job())]})
        job = repair.job_ids
        self.assertEqual(job.part_warranty_id, warranty)
        self.assertEqual(job.pay_type, "warranty")
        self.assertEqual(job.coverage_reason, f"Parts warranty: Mirror fitted by {fitted.name} on 06/02/2026 at "
                                              "10000 km, until 06/01/2027 or 30000 km.")
        self._finish(repair.with_env(self.env), done_on="2027-03-02 10:00:00")
        claim = self._claim(repair)
        self.assertEqual((claim.parts_warranty_id, claim.parts_warranty_repair_id), (warranty, fitted))
        # A claim of the parts warranty type, linked to the earlier repair by the recorded parts warranty: the
        # pre-validation's "unrelated to a previous repair" rule finds nothing to object
        self.assertEqual(claim.claim_type, "parts_warranty")
        upr = self.env["warranty.claim.validation.rule"].create({
            "manufacturer_id": claim.manufacturer_id.id, "code": "UPR", "name": "Unrelated to previous repair",
            "kind": "unrelated_previous_repair", "severity": "error", "days": 365,
        })
        self.assertFalse(list(claim._validate_unrelated_previous_repair(upr, {})))
        self.assertEqual((claim.parts_warranty_date, claim.parts_warranty_odometer_km), (date(2026, 6, 2), 10000))
        self.assertEqual(claim.line_ids.part_warranty_id, warranty)
        self.assertIn(f"Parts warranty: Mirror fitted by {fitted.name}", claim.failure_cause)
        # mirror 80 + 10 %; 1 h at 60
        self.assertAlmostEqual(claim.amount_claimed, 88.0 + 60.0, places=2)
        # The expired-warranty rule (EW) asks the mirror's own warranty, not the van's ended term
        self.env["warranty.claim.validation.rule"].create({
            "manufacturer_id": claim.manufacturer_id.id, "code": "EW", "name": "EW", "kind": "coverage_expired",
        })
        claim.with_user(self.user_workshop).action_validate_claims()
        self.assertEqual((claim.validation_state, claim.validation_result_ids.ids), ("ok", []))
        failure_date = claim.failure_date
        claim.with_user(self.user_workshop).failure_date = date(2027, 6, 2)
        claim.with_user(self.user_workshop).action_validate_claims()
        self.assertEqual([(r.code, r.severity, r.message) for r in claim.validation_result_ids], [(
            "EW", "error", f"Not covered by the warranty: Parts warranty: Mirror fitted by {fitted.name} on 06/02/2026 "
            "at 10000 km, until 06/01/2027 or 30000 km. The claim's failure date or odometer is past it.",
        )])
        claim.with_user(self.user_workshop).failure_date = failure_date
        claim.with_user(self.user_workshop).action_validate_claims()
        self.assertEqual(claim.validation_state, "ok")
        # Each line of the file names the parts warranty it is claimed under
        rows = self._export_rows(claim, "2027-03-05")
        self.assertEqual(
            sorted((row["line_type"], row["customer_share"], row["manufacturer_amount"], row["part_warranty"],
                    row["part_warranty_date"]) for row in rows),
            [("labor", "0.0", "60.0", fitted.name, "2026-06-02"), ("part", "0.0", "88.0", fitted.name, "2026-06-02")],
        )
        wizard = self.env["warranty.claim.export"].with_user(self.user_workshop).with_context(
            active_model="warranty.claim", active_ids=claim.ids,
        ).create({"file_format": "xml"})
        wizard.action_export()
        line = etree.fromstring(base64.b64decode(wizard.data)).find("claim/lines/line[@type='part']")
        self.assertEqual((line.findtext("customer_share"), line.findtext("manufacturer_amount")), ("0.0", "88.0"))
        self.assertEqual(dict(line.find("part_warranty").attrib), {"repair": fitted.name, "date": "2026-06-02"})

    def test_repair_without_jobs_gets_and_uses_the_parts_warranty(self):
        diagnosis = {
            "defect_code_ids": [Command.set(self.defect.ids)], "failure_cause": "Mirror housing cracked",
            "causal_part_id": self.mirror.id, "is_factory_defect": True,
        }
        # Fitted by a repair without jobs, under the van's own warranty
        fitted = self._repair(self.lot_covered, when="2026-06-01 09:00:00", odometer=10000, user=self.user_workshop)
        fitted.write({**diagnosis, "move_ids": [self._part(self.mirror)]})
        self.assertEqual((fitted.warranty_coverage, fitted.part_warranty_id.id), ("manufacturer", False))
        self._finish(fitted.with_env(self.env))
        warranty = self.env["warranty.part.warranty"].with_user(self.user_workshop).search(
            [("repair_id", "=", fitted.id)]
        )
        self.assertEqual((warranty.product_id, warranty.date_end, warranty.limit_km),
                         (self.mirror, date(2027, 6, 1), 30000))
        # The van's own warranty ended; the mirror fails again, repaired without jobs
        repair = self._repair(self.lot_covered, when="2027-03-01 09:00:00", odometer=25000, user=self.user_workshop)
        self.assertEqual((repair.warranty_coverage, repair.part_warranty_id.id), ("none", False), "no causal part yet")
        repair.write({
            **diagnosis, "move_ids": [self._part(self.mirror)], "labor_line_ids": [self._labour(self.operation_mirror)],
        })
        self.assertEqual((repair.warranty_coverage, repair.part_warranty_id), ("manufacturer", warranty))
        self.assertEqual(repair.warranty_coverage_reason, f"Parts warranty: Mirror fitted by {fitted.name} on "
                                                          "06/02/2026 at 10000 km, until 06/01/2027 or 30000 km.")
        self._finish(repair.with_env(self.env), done_on="2027-03-02 10:00:00")
        self.assertEqual(repair.part_warranty_id, warranty, "kept once the repair is closed")
        claim = self._claim(repair)
        self.assertEqual((claim.parts_warranty_id, claim.claim_type), (warranty, "parts_warranty"))
        self.assertEqual(claim.line_ids.part_warranty_id, warranty)
        self.assertIn(f"Parts warranty: Mirror fitted by {fitted.name}", claim.failure_cause)
        # mirror 80 + 10 %; 1 h at 60
        self.assertAlmostEqual(claim.amount_claimed, 88.0 + 60.0, places=2)
        # The mirror this repair fitted carries its own warranty (until 2028-03-01 or 45000 km); over it, or for
        # another failed part, the unit's own verdict stays
        renewed = self.env["warranty.part.warranty"].search([("repair_id", "=", repair.id)])
        self.assertEqual((renewed.date_end, renewed.limit_km), (date(2028, 3, 1), 45000))
        over = self._repair(self.lot_covered, when="2027-03-05 09:00:00", odometer=46000, user=self.user_workshop,
                            causal_part_id=self.mirror.id)
        other = self._repair(self.lot_covered, when="2027-03-05 09:00:00", odometer=46000, user=self.user_workshop,
                             causal_part_id=self.seal.id)
        self.assertEqual([(r.warranty_coverage, r.part_warranty_id.id) for r in over | other], [("none", False)] * 2)

    def test_over_the_parts_warranty(self):
        self._fit_mirror()
        late = self._repair(self.lot_covered, when="2027-03-01 09:00:00", odometer=31000, user=self.user_workshop)
        late.write({"job_ids": [Command.create(self._mirror_job())]})
        self.assertFalse(late.job_ids.part_warranty_id, "over 30000 km")
        self.assertEqual(late.job_ids.pay_type, "customer")

    def test_after_the_parts_warranty(self):
        self._fit_mirror()
        after = self._repair(self.lot_covered, when="2027-06-02 09:00:00", odometer=12000, user=self.user_workshop)
        after.write({"job_ids": [Command.create(self._mirror_job())]})
        self.assertFalse(after.job_ids.part_warranty_id, "after 2027-06-01")
        self.assertEqual(after.job_ids.pay_type, "customer")

    def test_bad_parts_warranty_term_refused(self):
        with self.assertRefused("The parts warranty of .*Mirror cannot be negative"):
            self.mirror.product_tmpl_id.warranty_part_months = -1

from datetime import timedelta

import psycopg2

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_repair import WarrantyRepairCommon

MANAGER = "warranty_service.group_warranty_manager"
WORKSHOP = "warranty_service.group_warranty_workshop"


@tagged("post_install", "-at_install")
class TestMultiCompany(WarrantyRepairCommon):
    """A registration is found, read and used only within its company, shared serials included (issue 12, item 5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company2 = cls.env["res.company"].create({"name": "Dealer Two"})
        cls.workshop2 = new_test_user(
            cls.env, login="ws_workshop2", name="Wim Workshop Two", groups=WORKSHOP,
            company_id=cls.company2.id, company_ids=[Command.set(cls.company2.ids)],
        )
        cls.manager2 = new_test_user(
            cls.env, login="ws_manager2", name="Mia Manager Two", groups=MANAGER,
            company_id=cls.company2.id, company_ids=[Command.set(cls.company2.ids)],
        )
        cls.manager_both = new_test_user(
            cls.env, login="ws_manager_both", name="Bo Both", groups=MANAGER,
            company_id=cls.company.id, company_ids=[Command.set((cls.company | cls.company2).ids)],
        )
        # A serial shared between the companies (no company of its own): company 1 sold and registered it
        cls.shared = cls.env["stock.lot"].create(
            {"name": "VIN-SHARED-1", "product_id": cls.van.id, "company_id": False}
        )
        cls.start = fields.Date.context_today(cls.env["res.users"]) - timedelta(days=100)
        cls.registration1 = cls.env["warranty.registration"].create({
            "lot_id": cls.shared.id, "partner_id": cls.customer.id, "date_start": cls.start,
            "company_id": cls.company.id,
        })
        cls.customer2 = cls.env["res.partner"].create({"name": "Second Owner"})

    def _when(self, days=10):
        return fields.Datetime.to_string(fields.Datetime.now() - timedelta(days=days))

    def _repair_as(self, user, lot, **context):
        Repair = self.env["repair.order"].with_user(user)
        if context:
            Repair = Repair.with_context(**context)
        return Repair.create({
            "product_id": lot.product_id.id, "lot_id": lot.id, "partner_id": self.customer.id,
            "schedule_date": self._when(), "odometer_km": 1000,
        })

    def test_company2_user_sees_no_registration_of_company1(self):
        self.assertEqual(self.shared.with_user(self.user_workshop).warranty_state, "active", "company 1 sees its own")
        lot = self.shared.with_user(self.workshop2)
        self.assertEqual(lot.warranty_state, "none")
        self.assertFalse(lot.warranty_registration_id)
        self.assertFalse(lot.warranty_date_expiry)
        self.assertEqual(lot.warranty_registration_count, 0)
        self.assertFalse(lot.warranty_registration_ids)
        Lot = self.env["stock.lot"].with_user(self.workshop2)
        self.assertEqual(Lot.search([("name", "=", "VIN-SHARED-1"), ("warranty_state", "=", "none")]), self.shared)
        self.assertFalse(Lot.search([("name", "=", "VIN-SHARED-1"), ("warranty_state", "in", ["active", "expired"])]))
        result = self.env["warranty.registration"].with_user(self.workshop2).check_coverage_by_serial(
            "VIN-SHARED-1", mileage_km=1000,
        )
        self.assertEqual(result["coverage"], "none")
        self.assertFalse(result["registration"])
        self.assertIn("has no warranty registration", result["reason"])
        with self.assertRaises(AccessError):
            self.registration1.with_user(self.workshop2).read(["name", "date_expiry"])
        # The companies the user works in decide, not the ones the user may switch to: the superuser and a
        # manager of both companies working in company 2 only see nothing either
        for env in (self.env(context={"allowed_company_ids": self.company2.ids}),
                    self.env(user=self.manager_both, context={"allowed_company_ids": self.company2.ids})):
            self.assertEqual(self.shared.with_env(env).warranty_state, "none")
            self.assertFalse(env["warranty.registration"].check_coverage_by_serial("VIN-SHARED-1")["registration"])

    def test_company2_repair_is_not_covered_by_company1(self):
        repair1 = self._repair_as(self.user_workshop, self.shared)
        self.assertEqual(repair1.warranty_registration_id, self.registration1)
        self.assertEqual(repair1.warranty_coverage, "manufacturer")
        repair2 = self._repair_as(self.workshop2, self.shared)
        self.assertEqual(repair2.company_id, self.company2)
        self.assertFalse(repair2.warranty_registration_id)
        self.assertEqual(repair2.warranty_coverage, "none")
        # A manager who sees both companies, working in company 2: the repair still takes only company 2's
        repair2b = self._repair_as(self.manager_both, self.shared,
                                   allowed_company_ids=[self.company2.id, self.company.id])
        self.assertEqual(repair2b.company_id, self.company2)
        self.assertFalse(repair2b.warranty_registration_id)
        self.assertEqual(repair2b.warranty_coverage, "none")
        with self.assertRefused(
            "cannot use the warranty registration .*: it belongs to .*, and a repair uses only the warranties "
            "of its own company \\(Dealer Two\\)"
        ):
            repair2b.with_user(self.manager_both).with_context(
                allowed_company_ids=[self.company2.id, self.company.id],
            ).write({"warranty_registration_id": self.registration1.id})
        self.assertFalse(repair2b.warranty_registration_id)

    def test_each_company_registers_its_own_sale_of_a_shared_serial(self):
        Registration2 = self.env["warranty.registration"].with_user(self.manager2)
        registration2 = Registration2.create({
            "lot_id": self.shared.id, "partner_id": self.customer2.id, "date_start": self.start + timedelta(days=50),
        })
        self.assertEqual(registration2.company_id, self.company2)
        with self.assertRefused(f"already has the warranty registration {registration2.name}"):
            Registration2.create({"lot_id": self.shared.id, "partner_id": self.customer2.id})
        self.assertEqual(self.shared.with_user(self.workshop2).warranty_registration_id, registration2)
        self.assertEqual(self.shared.with_user(self.user_workshop).warranty_registration_id, self.registration1)
        self.assertEqual(
            self.env["warranty.registration"].with_user(self.workshop2).check_coverage_by_serial("VIN-SHARED-1")["registration"],
            registration2.name,
        )
        self.assertEqual(self._repair_as(self.workshop2, self.shared).warranty_registration_id, registration2)
        self.assertEqual(self._repair_as(self.user_workshop, self.shared).warranty_registration_id, self.registration1)
        # Who works in both: the current company's registration first
        both = self.shared.with_user(self.manager_both)
        self.assertEqual(both.with_context(allowed_company_ids=[self.company2.id, self.company.id])
                         .warranty_registration_id, registration2)
        self.assertEqual(both.with_context(allowed_company_ids=[self.company.id, self.company2.id])
                         .warranty_registration_id, self.registration1)
        self.assertEqual(
            self.env["warranty.registration"].with_user(self.manager_both)
            .with_context(allowed_company_ids=[self.company2.id, self.company.id])
            .check_coverage_by_serial("VIN-SHARED-1")["registration"],
            registration2.name,
        )
        # The database holds the rule per company, also for two deliveries validated at the same moment
        self.env.flush_all()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.ExclusionViolation), self.env.cr.savepoint():
            self.env.cr.execute(
                """INSERT INTO warranty_registration (name, lot_id, product_id, company_id, date_start, date_end,
                                                      is_void, mileage_limit_km, extension_mileage_limit_km)
                   SELECT 'WR/DUP', lot_id, product_id, company_id, date_start, date_end, false, 0, 0
                     FROM warranty_registration WHERE id = %s""",
                [registration2.id],
            )
        # Voiding in one company leaves the other company's warranty alone
        registration2.with_user(self.manager2).action_void()
        self.assertEqual(self.shared.with_user(self.workshop2).warranty_state, "void")
        self.assertEqual(self.shared.with_user(self.user_workshop).warranty_state, "active")

    def test_campaign_of_company2_does_not_take_company1_owner(self):
        recall2 = self.env["warranty.recall"].with_user(self.manager2).create({
            "name": "Seal campaign", "campaign_code": "RC-MC-1", "manufacturer_id": self.manufacturer.id,
            "product_ids": [Command.set(self.van.ids)],
        })
        recall2.action_add_serials_from_products()
        self.assertFalse(recall2.line_ids, "company 2 sold no van")
        recall2._add_lots(self.shared)
        self.assertEqual(recall2.line_ids.lot_id, self.shared)
        self.assertFalse(recall2.line_ids.partner_id, "company 1's customer is not company 2's to inform")

    def test_relations_stay_within_the_company(self):
        lot1 = self.env["stock.lot"].create(
            {"name": "VIN-C1-ONLY", "product_id": self.van.id, "company_id": self.company.id}
        )
        part1 = self.env["product.product"].create(
            {"name": "Company 1 seal", "type": "consu", "company_id": self.company.id}
        )
        partner1 = self.env["res.partner"].create({"name": "Company 1 lab", "company_id": self.company.id})
        repair1 = self._repair(self.lot_covered)
        recall2 = self.env["warranty.recall"].create({
            "name": "Campaign Two", "campaign_code": "RC-MC-2", "manufacturer_id": self.manufacturer.id,
            "company_id": self.company2.id,
        })
        defect2 = self.env["warranty.defect.code"].create(
            {"code": "C2-1", "name": "Leak", "company_id": self.company2.id}
        )
        with self.assertRefused("(?i)incompatible compan"):
            recall2.write({"line_ids": [Command.create({"lot_id": lot1.id})]})
        with self.assertRefused("(?i)incompatible compan"):
            recall2.write({"part_ids": [Command.create({"product_id": part1.id})]})
        with self.assertRefused("(?i)incompatible compan"):
            recall2.write({"manufacturer_id": partner1.id})
        with self.assertRefused("(?i)incompatible compan"):
            recall2.line_ids.create({"recall_id": recall2.id, "lot_id": self.shared.id, "repair_id": repair1.id})
        with self.assertRefused("(?i)incompatible compan"):
            self.env["warranty.quality.alert"].create({
                "company_id": self.company2.id, "product_tmpl_id": self.van.product_tmpl_id.id,
                "defect_code_id": defect2.id, "date_from": self.start, "date_to": self.start,
                "case_count": 1, "units_sold": 1, "failure_rate": 100.0, "repair_ids": [Command.set(repair1.ids)],
            })
        repair2 = self._repair_as(self.workshop2, self.shared)
        with self.assertRefused("(?i)incompatible compan"):
            repair2.write({"expertise_partner_id": partner1.id})

    def test_recall_parts_and_lines_stay_in_their_company(self):
        recall1 = self.env["warranty.recall"].create({
            "name": "Campaign One", "campaign_code": "RC-MC-3", "manufacturer_id": self.manufacturer.id,
            "part_ids": [Command.create({"product_id": self.seal.id, "quantity": 2})],
            "line_ids": [Command.create({"lot_id": self.shared.id})],
        })
        self.assertEqual(recall1.part_ids.company_id, self.company)
        for model, records in (("warranty.recall.part", recall1.part_ids), ("warranty.recall.line", recall1.line_ids)):
            with self.subTest(model=model):
                self.assertEqual(
                    self.env[model].with_user(self.user_workshop).search([("id", "in", records.ids)]), records
                )
                self.assertFalse(self.env[model].with_user(self.workshop2).search([("id", "in", records.ids)]))
                with self.assertRaises(AccessError):
                    records.with_user(self.workshop2).read(["company_id"])

    def test_every_model_with_a_company_has_a_company_rule(self):
        checked = []
        for name in self.env.registry:
            Model = self.env[name]
            if Model._original_module != "warranty_service" or Model._abstract or Model._transient:
                continue
            field = Model._fields.get("company_id")
            if not field or not field.store:
                continue
            rules = self.env["ir.rule"].search(
                [("model_id.model", "=", name), ("domain_force", "ilike", "company_ids")]
            )
            self.assertTrue(rules, f"{name} has a multi-company record rule")
            checked.append(name)
        self.assertIn("warranty.recall.part", checked)

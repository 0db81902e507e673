from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


def _registered_unit(env, maker, model, serial, customer, **maker_values):
    """A manufacturer's van of 24 months' warranty, sold and registered to a customer today (the tours run unfrozen):
    returns (manufacturer, product, lot, customer)."""
    manufacturer = env["res.partner"].create({"name": maker, "is_company": True, **maker_values})
    product = env["product.product"].create({
        "name": model, "type": "consu", "is_storable": True, "tracking": "serial",
        "warranty_months": 24, "warranty_manufacturer_id": manufacturer.id,
    })
    lot = env["stock.lot"].create({"name": serial, "product_id": product.id})
    partner = env["res.partner"].create({"name": customer})
    env["warranty.registration"].create({"lot_id": lot.id, "partner_id": partner.id})
    return manufacturer, product, lot, partner


@tagged("post_install", "-at_install")
class TestLookupTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        product = cls.env["product.product"].create({
            "name": "Tour Tractor", "type": "consu", "is_storable": True, "tracking": "serial",
            "warranty_months": 24,
        })
        lot = cls.env["stock.lot"].create({"name": "VIN-TOUR-1", "product_id": product.id})
        customer = cls.env["res.partner"].create({"name": "Tour Customer"})
        cls.registration = cls.env["warranty.registration"].create({"lot_id": lot.id, "partner_id": customer.id})
        new_test_user(cls.env, login="ws_tour_workshop", groups="warranty_service.group_warranty_workshop")

    def test_find_serial_open_registration_print_certificate(self):
        self.start_tour(
            "/odoo/action-warranty_service.stock_lot_action_warranty",
            "warranty_service_lookup_tour",
            login="ws_tour_workshop",
        )
        printed = self.registration.message_ids.filtered(lambda m: "Warranty certificate printed." in m.body)
        self.assertEqual(len(printed), 1, "the certificate was printed once, from the browser")
        self.assertEqual(
            printed.author_id, self.env["res.users"].search([("login", "=", "ws_tour_workshop")]).partner_id
        )


@tagged("post_install", "-at_install")
class TestRepairTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manufacturer, product, lot, customer = _registered_unit(
            cls.env, "Tour Motors", "Tour Van", "VIN-TOUR-R1", "Tour Customer",
        )
        cls.defect = cls.env["warranty.defect.code"].create({"code": "T-TOUR", "name": "Oil leak"})
        cls.part = cls.env["product.product"].create({"name": "Tour Seal", "type": "consu"})
        labour = cls.env["product.product"].create({"name": "Tour Labour", "type": "service"})
        cls.operation = cls.env["warranty.labor.operation"].create({
            "code": "00-TOUR", "name": "Replace seal", "standard_hours": 1.5,
            "manufacturer_id": manufacturer.id, "product_id": labour.id,
        })
        cls.repair = cls.env["repair.order"].create({
            "product_id": product.id, "lot_id": lot.id, "partner_id": customer.id, "odometer_km": 3000,
        })
        cls.repair._action_repair_confirm()
        cls.repair.action_repair_start()
        cls.workshop = new_test_user(
            cls.env, login="ws_tour_master", groups="warranty_service.group_warranty_workshop",
        )

    def test_workshop_master_completes_a_covered_repair(self):
        self.assertEqual(self.repair.warranty_coverage, "manufacturer")
        self.start_tour(
            "/odoo/action-warranty_service.stock_lot_action_warranty",
            "warranty_service_repair_tour",
            login="ws_tour_master",
        )
        self.assertEqual(self.repair.state, "done")
        self.assertEqual(self.repair.defect_code_ids, self.defect)
        self.assertEqual(self.repair.causal_part_id, self.part)
        self.assertEqual(self.repair.failure_cause, "Seal hardened: material defect")
        self.assertEqual(self.repair.labor_line_ids.operation_id, self.operation)
        self.assertEqual(self.repair.labor_line_ids.hours, 1.5)
        self.assertEqual(self.repair.labor_line_ids.user_id, self.workshop)


@tagged("post_install", "-at_install")
class TestRequisitionTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.part = cls.env["product.product"].create({"name": "Tour Oil Filter", "type": "consu", "is_storable": True})
        cls.env["stock.quant"]._update_available_quantity(cls.part, warehouse.lot_stock_id, 5)
        workshop = new_test_user(cls.env, login="ws_tour_requester", groups="warranty_service.group_warranty_workshop")
        cls.requisition = cls.env["warranty.part.requisition"].with_user(workshop).create({
            "note": "Tour filter request",
            "line_ids": [Command.create({"product_id": cls.part.id, "product_qty": 2})],
        })
        cls.requisition.action_submit()
        new_test_user(cls.env, login="ws_tour_parts", groups="warranty_service.group_warranty_parts")

    def test_parts_staff_approve_and_issue(self):
        self.start_tour(
            "/odoo/action-warranty_service.warranty_part_requisition_action",
            "warranty_service_requisition_tour",
            login="ws_tour_parts",
        )
        self.assertEqual(self.requisition.state, "done")
        self.assertEqual(self.requisition.line_ids.qty_issued, 2)


@tagged("post_install", "-at_install")
class TestClaimTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manufacturer, product, lot, customer = _registered_unit(
            cls.env, "Claim Motors", "Claim Van", "VIN-TOUR-C1", "Claim Customer",
            warranty_labor_rate=60, warranty_claim_deadline_days=3650,
        )
        defect = cls.env["warranty.defect.code"].create({"code": "T-CLAIM", "name": "Leak"})
        part = cls.env["product.product"].create({"name": "Claim Seal", "type": "consu", "standard_price": 10})
        labour = cls.env["product.product"].create({"name": "Claim Labour", "type": "service"})
        operation = cls.env["warranty.labor.operation"].create({
            "code": "00-CLAIM", "name": "Replace seal", "standard_hours": 1.0,
            "manufacturer_id": manufacturer.id, "product_id": labour.id,
        })
        cls.repair = cls.env["repair.order"].create({
            "product_id": product.id, "lot_id": lot.id, "partner_id": customer.id, "odometer_km": 100,
            "defect_code_ids": [Command.link(defect.id)], "failure_cause": "Seal hardened",
            "causal_part_id": part.id,
            "move_ids": [Command.create({"product_id": part.id, "product_uom_qty": 1, "repair_line_type": "add"})],
            "labor_line_ids": [Command.create({"operation_id": operation.id})],
        })
        cls.repair._action_repair_confirm()
        cls.repair.action_repair_start()
        cls.repair.action_repair_end()
        new_test_user(cls.env, login="ws_tour_engineer", groups="warranty_service.group_warranty_workshop")

    def test_engineer_claims_submits_and_prints(self):
        self.assertEqual(self.repair.state, "done")
        self.start_tour(
            "/odoo/action-warranty_service.stock_lot_action_warranty",
            "warranty_service_claim_tour",
            login="ws_tour_engineer",
        )
        claim = self.repair.claim_ids
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(claim.amount_claimed, 10 + 60)


@tagged("post_install", "-at_install")
class TestRecallTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manufacturer, product, lot, customer = _registered_unit(
            cls.env, "Recall Motors", "Recall Van", "VIN-TOUR-RC1", "Recall Customer",
        )
        labour = cls.env["product.product"].create({"name": "Recall Labour", "type": "service"})
        cls.operation = cls.env["warranty.labor.operation"].create({
            "code": "00-RCTOUR", "name": "Replace brake hose", "standard_hours": 0.8,
            "manufacturer_id": manufacturer.id, "product_id": labour.id,
        })
        cls.hose = cls.env["product.product"].create({"name": "Tour Brake Hose", "type": "consu"})
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Tour brake hose", "campaign_code": "RC-TOUR", "manufacturer_id": manufacturer.id,
            "product_ids": [Command.set(product.ids)], "operation_id": cls.operation.id,
            "part_ids": [Command.create({"product_id": cls.hose.id, "quantity": 2})],
        })
        cls.recall._add_lots(lot)
        cls.recall.action_open()
        # The customer came for a broken mirror, nothing to do with the campaign
        cls.repair = cls.env["repair.order"].create({
            "product_id": product.id, "lot_id": lot.id, "partner_id": customer.id, "odometer_km": 12000,
            "internal_notes": "Broken mirror",
        })
        new_test_user(cls.env, login="ws_tour_recall", groups="warranty_service.group_warranty_workshop")

    def test_workshop_master_adds_the_campaign_work(self):
        self.assertFalse(self.repair.labor_line_ids)
        self.start_tour(
            "/odoo/action-warranty_service.stock_lot_action_warranty",
            "warranty_service_recall_tour",
            login="ws_tour_recall",
        )
        self.assertEqual(self.repair.labor_line_ids.operation_id, self.operation)
        self.assertEqual(self.repair.labor_line_ids.recall_id, self.recall)
        self.assertEqual(self.repair.move_ids.product_id, self.hose)
        self.assertEqual(self.repair.move_ids.product_uom_qty, 2)
        self.assertEqual(self.recall.line_ids.repair_id, self.repair)

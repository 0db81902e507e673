"""Issue 17: the workshop master's and the parts staff's days in the browser, each as a user with only
their own group, and the server rules behind what their screens show."""

import base64
import os
import re
import time
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .test_part_requisition import RequisitionCommon


class FloorTourMixin:
    # The landing screenshots of the README are taken at this size
    browser_size = "1280x800"

    @contextmanager
    def _landing_screenshot(self, filename):
        """Save what the browser shows when the landing tour succeeds, into $WARRANTY_SCREENSHOTS_DIR.

        Set only to refresh docs/*_landing.png (the committed screenshots); a normal run saves nothing."""
        target = os.environ.get("WARRANTY_SCREENSHOTS_DIR")
        if not target:
            yield
            return
        original = ChromeBrowser._wait_code_ok

        def wait_then_capture(browser, *args, **kwargs):
            result = original(browser, *args, **kwargs)
            # The window's inner size is smaller than browser_size: the page is laid out at the README's size
            width, height = (int(size) for size in re.split(r"[x,]", self.browser_size))
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                timeout=30,
            )
            time.sleep(1)  # the web client lays the page out again
            data = browser._websocket_request("Page.captureScreenshot", params={"format": "png"}, timeout=30)
            with open(os.path.join(target, filename), "wb") as image:
                image.write(base64.b64decode(data["data"]))
            return result

        with patch.object(ChromeBrowser, "_wait_code_ok", wait_then_capture):
            yield


@tagged("post_install", "-at_install")
class TestWorkshopDayTour(FloorTourMixin, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manufacturer = cls.env["res.partner"].create({"name": "Floor Motors", "is_company": True})
        cls.van = cls.env["product.product"].create({
            "name": "Floor Van", "type": "consu", "is_storable": True, "tracking": "serial",
            "warranty_months": 24, "warranty_manufacturer_id": manufacturer.id,
        })
        cls.customer = cls.env["res.partner"].create({"name": "Floor Customer"})
        cls.lot, other_lot, cls.loaner = cls.env["stock.lot"].create([
            {"name": name, "product_id": cls.van.id} for name in ("VIN-FLOOR-W1", "VIN-FLOOR-W2", "LOANER-FLOOR-1")
        ])
        # Units sold before the system: registered by hand, so without sale
        cls.registration = cls.env["warranty.registration"].create(
            {"lot_id": cls.lot.id, "partner_id": cls.customer.id},
        )
        cls.env["warranty.registration"].create({"lot_id": other_lot.id, "partner_id": cls.customer.id})
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.env["stock.quant"]._update_available_quantity(
            cls.van, warehouse._get_warranty_loaner_location(), 1, lot_id=cls.loaner,
        )
        # Another unit of the customer already in the workshop
        cls.env["repair.order"].create({
            "product_id": cls.van.id, "lot_id": other_lot.id, "partner_id": cls.customer.id, "odometer_km": 500,
        })
        cls.defect = cls.env["warranty.defect.code"].create({"code": "F-FLOOR", "name": "Oil leak"})
        cls.seal = cls.env["product.product"].create({"name": "Floor Seal", "type": "consu"})
        labour = cls.env["product.product"].create({"name": "Floor Labour", "type": "service"})
        cls.operation = cls.env["warranty.labor.operation"].create({
            "code": "00-FLOOR", "name": "Replace seal", "standard_hours": 3.5,
            "manufacturer_id": manufacturer.id, "product_id": labour.id,
        })
        cls.master = new_test_user(cls.env, login="ws_floor_master", groups="warranty_service.group_warranty_workshop")

    def test_workshop_landing(self):
        with self._landing_screenshot("workshop_landing.png"):
            self.start_tour("/odoo", "warranty_service_workshop_landing_tour", login="ws_floor_master")

    def test_workshop_day(self):
        self.start_tour("/odoo", "warranty_service_workshop_day_tour", login="ws_floor_master")
        repair = self.env["repair.order"].search([("lot_id", "=", self.lot.id)])
        self.assertEqual(len(repair), 1)
        self.assertEqual(repair.state, "done")
        self.assertEqual(repair.partner_id, self.customer, "the unit's owner, from the serial")
        self.assertEqual(repair.warranty_coverage, "manufacturer")
        self.assertEqual(repair.odometer_km, 12000)
        self.assertEqual((repair.loaner_lot_id, repair.loaner_state), (self.loaner, "lent"))
        self.assertEqual(repair.defect_code_ids, self.defect)
        self.assertEqual(repair.causal_part_id, self.seal)
        self.assertEqual(repair.labor_line_ids.hours, 3.5)
        self.assertEqual(repair.create_uid, self.master)


@tagged("post_install", "-at_install")
class TestPartsDayTour(FloorTourMixin, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.env.company.id)], limit=1)
        cls.filter, cls.wrench, wiper = cls.env["product.product"].create([
            {"name": "Floor Oil Filter", "type": "consu", "is_storable": True, "standard_price": 20},
            {"name": "Floor Torque Wrench", "type": "consu", "is_storable": True, "standard_price": 10},
            {"name": "Floor Wiper", "type": "consu", "is_storable": True, "standard_price": 5},
        ])
        for product in (cls.filter, cls.wrench):
            cls.env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 5)
        workshop = new_test_user(cls.env, login="ws_floor_requester", groups="warranty_service.group_warranty_workshop")
        Requisition = cls.env["warranty.part.requisition"].with_user(workshop)
        return_by = fields.Date.context_today(Requisition) + timedelta(days=7)
        cls.to_approve, cls.to_refuse, cls.draft = Requisition.create([
            {"note": "Floor filters", "line_ids": [
                Command.create({"product_id": cls.filter.id, "product_qty": 2}),
                Command.create({
                    "product_id": cls.wrench.id, "product_qty": 1, "line_type": "tool",
                    "date_return_expected": return_by,
                }),
            ]},
            {"note": "Floor wipers", "line_ids": [Command.create({"product_id": wiper.id, "product_qty": 4})]},
            {"note": "Floor draft", "line_ids": [Command.create({"product_id": wiper.id, "product_qty": 1})]},
        ])
        (cls.to_approve | cls.to_refuse).action_submit()
        cls.parts = new_test_user(cls.env, login="ws_floor_parts", groups="warranty_service.group_warranty_parts")

    def test_parts_landing(self):
        with self._landing_screenshot("parts_landing.png"):
            self.start_tour("/odoo", "warranty_service_parts_landing_tour", login="ws_floor_parts")

    def test_parts_day(self):
        self.start_tour("/odoo", "warranty_service_parts_day_tour", login="ws_floor_parts")
        self.assertEqual(self.to_refuse.state, "cancel")
        self.assertEqual(self.to_refuse.refuse_reason, "Discontinued: order the new reference")
        self.assertEqual(self.to_approve.approved_by_id, self.parts)
        self.assertEqual(self.to_approve.line_ids.mapped("qty_issued"), [2.0, 1.0])
        self.assertTrue(self.to_approve.has_tools_to_return)
        self.assertEqual(self.draft.state, "draft", "the parts staff never saw the draft")


@tagged("post_install", "-at_install")
class TestFloorRules(RequisitionCommon):
    """What the workshop's and parts staff's screens show, the server enforces."""

    def _submitted_requisition(self, line_type="part"):
        extra = {"line_type": line_type, "date_return_expected": "2026-12-01"} if line_type == "tool" else {}
        product = self.torque_wrench if line_type == "tool" else self.filter
        requisition = self._requisition([(product, 1, extra)])
        requisition.action_submit()
        return requisition

    def test_customer_unit_is_confirmed_without_stock_warning(self):
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        self.assertIs(repair.with_user(self.user_workshop).action_validate(), True, "no Insufficient Quantity dialog")
        self.assertEqual(repair.state, "confirmed")
        # A unit of the dealer's own stock keeps core's warning when it is not where the repair takes it from
        stock_unit = self._create_lots(self.saw, "STOCK-UNIT-1")
        self.env["stock.quant"]._update_available_quantity(
            self.saw, self.warehouse._get_warranty_workshop_location(), 1, lot_id=stock_unit,
        )
        own = self._repair(stock_unit, odometer=0)
        action = own.action_validate()
        self.assertEqual(action["res_model"], "stock.warn.insufficient.qty.repair")

    def test_campaign_part_missing_is_not_dropped(self):
        seal = self.env["product.product"].create({"name": "Campaign seal", "type": "consu", "is_storable": True})
        recall = self.env["warranty.recall"].create({
            "name": "Seal campaign", "campaign_code": "RC-FLOOR", "manufacturer_id": self.manufacturer.id,
            "product_ids": [Command.set(self.lot_covered.product_id.ids)],
            "operation_id": self.operation_seal.id,
            "part_ids": [Command.create({"product_id": seal.id, "quantity": 1})],
        })
        recall.action_add_serials_from_products()
        recall.action_open()
        repair = self._repair(self.lot_covered)
        repair.with_user(self.user_workshop).action_add_campaign_work()
        self._diagnose(repair)
        self._confirm(repair)
        repair.action_repair_start()
        with self.assertRefused("the campaign part Campaign seal is not there"):
            repair.action_repair_end()
        self.assertEqual(repair.state, "under_repair")

    def test_refuse_asks_for_the_reason(self):
        requisition = self._submitted_requisition()
        action = requisition.with_user(self.user_parts).action_open_refuse_wizard()
        self.assertEqual((action["res_model"], action["target"]), ("warranty.part.requisition.refuse", "new"))
        with self.assertRaises(AccessError):
            requisition.with_user(self.user_workshop).action_open_refuse_wizard()
        wizard = Form(
            self.env["warranty.part.requisition.refuse"].with_user(self.user_parts).with_context(**action["context"])
        )
        wizard.reason = "Out of production"
        wizard.save().action_refuse()
        self.assertEqual((requisition.state, requisition.refuse_reason), ("cancel", "Out of production"))

    def test_tools_to_return_follow_the_issue(self):
        requisition = self._submitted_requisition(line_type="tool")
        self.assertFalse(requisition.has_tools_to_return)
        with self.assertRefused("issued no tool to return"):
            requisition.with_user(self.user_parts).action_return_tools()
        requisition.with_user(self.user_parts).action_approve()
        self.assertFalse(requisition.has_tools_to_return, "approved, not issued yet")
        self._issue(requisition)
        self.assertTrue(requisition.has_tools_to_return)

    def test_queue_columns_in_flow_order(self):
        groups = self.env["warranty.part.requisition"].with_user(self.user_parts).read_group(
            [("state", "!=", "draft")], ["state"], ["state"],
        )
        self.assertEqual([group["state"] for group in groups], ["submitted", "approved", "done"])

    def test_unit_owner_and_history(self):
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        lot = self.lot_covered.with_user(self.user_workshop)
        self.assertEqual(lot.warranty_partner_id, self.customer)
        self.assertEqual(lot.warranty_repair_count, 1)
        action = lot.action_new_repair()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        self.assertEqual(action["context"]["default_lot_id"], lot.id)
        registration = lot.warranty_registration_id
        self.assertEqual((registration.repair_count, registration.claim_count), (1, 0))
        self.assertEqual(
            self.env["repair.order"].search(registration.action_view_repairs()["domain"]), repair,
        )

    def test_loaner_must_come_from_the_fleet(self):
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        with self.assertRefused("is not a unit of the loaner fleet"):
            repair.with_user(self.user_workshop).loaner_lot_id = self.lot_extended
        self.assertRaises(ValidationError, repair.write, {"loaner_lot_id": self.lot_extended.id})
        self.assertRaises(UserError, repair.action_lend_loaner)
        # A loaner out with another customer is named as such
        loaner = self._create_lots(self.saw, "LOANER-FLOOR-R")
        self.env["stock.quant"]._update_available_quantity(
            self.saw, repair._get_loaner_location(), 1, lot_id=loaner,
        )
        other = self._repair(self.lot_extended, loaner_lot_id=loaner.id)
        other.action_lend_loaner()
        with self.assertRefused(f"Loaner LOANER-FLOOR-R is lent on repair {other.name}"):
            repair.loaner_lot_id = loaner

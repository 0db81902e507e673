import io

from freezegun import freeze_time
from PyPDF2 import PdfReader

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestReturnedParts(ClaimCommon):
    """Defective parts kept for the manufacturer: outside valued stock, each in its own package, with a tag."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The part is valued in real time, so that its stock account shows any valuation the claims would add
        Account = cls.env["account.account"]
        cls.valuation_account = Account.create({
            "code": "139910", "name": "Test stock valuation", "account_type": "asset_current",
        })
        cls.stock_in_account = Account.create({
            "code": "139920", "name": "Test stock input", "account_type": "asset_current",
        })
        cls.stock_out_account = Account.create({
            "code": "139930", "name": "Test stock output", "account_type": "asset_current",
        })
        journal = cls.env["account.journal"].create({"name": "Test stock journal", "code": "TSTJ", "type": "general"})
        cls.seal.categ_id = cls.env["product.category"].create({
            "name": "Test valued parts",
            "property_cost_method": "standard",
            "property_valuation": "real_time",
            "property_stock_valuation_account_id": cls.valuation_account.id,
            "property_stock_account_input_categ_id": cls.stock_in_account.id,
            "property_stock_account_output_categ_id": cls.stock_out_account.id,
            "property_stock_journal": journal.id,
        })
        cls.manufacturer.warranty_parts_retention_days = 90
        cls.user_accountant_only = new_test_user(
            cls.env, login="ws_returns_accountant", groups="warranty_service.group_warranty_accountant",
        )

    def _submitted_claim(self, lot=None):
        claim = self._claim(self._done_repair(lot=lot))
        with freeze_time("2026-06-10"):
            claim.with_user(self.user_workshop).action_submit()
        return claim

    def _part_line(self, claim):
        return claim.line_ids.filtered("return_required")

    def _stock_figures(self):
        self.env.flush_all()
        self.env.invalidate_all()
        seal = self.seal.with_company(self.company)
        valuation_lines = self.env["account.move.line"].search([
            ("account_id", "=", self.valuation_account.id), ("parent_state", "=", "posted"),
        ])
        return {
            "on_hand": seal.qty_available,
            "on_hand_warehouse": seal.with_context(warehouse_id=self.warehouse.id).qty_available,
            "free": seal.free_qty,
            "valuation_layers": sum(self.env["stock.valuation.layer"].search(
                [("product_id", "=", self.seal.id)]).mapped("value")),
            "valuation_account": sum(valuation_lines.mapped("balance")),
        }

    def test_set_aside_parts_are_neither_on_hand_nor_valued(self):
        repair = self._done_repair()
        claim = self._claim(repair)
        before = self._stock_figures()
        self.assertEqual(before["on_hand"], 18, "20 in stock, 2 used by the repair")
        with freeze_time("2026-06-10"):
            claim.with_user(self.user_workshop).action_submit()
        self.assertEqual(self._stock_figures(), before, "setting the defective seals aside changes no stock figure")
        returns = self.warehouse._get_warranty_returns_location()
        self.assertEqual(returns.usage, "inventory")
        self.assertTrue(returns.warranty_returns)
        self.assertFalse(returns._should_be_valued())
        line = self._part_line(claim)
        self.assertEqual(line.return_state, "kept")
        self.assertEqual(line.returned_package_id.name, f"{claim.name}-{line.id}")
        self.assertEqual(line.returned_package_id.location_id, returns)
        self.assertEqual(line.returned_package_id.quant_ids.quantity, 2)
        self.assertEqual(claim.return_picking_id.state, "done")
        self.assertEqual(claim.return_picking_id.origin, claim.name)

    def test_each_claim_ships_its_own_package(self):
        first = self._submitted_claim()
        second = self._submitted_claim()
        first_line, second_line = self._part_line(first), self._part_line(second)
        self.assertNotEqual(first_line.returned_package_id, second_line.returned_package_id)
        returns = self.warehouse._get_warranty_returns_location()
        quants = self.env["stock.quant"].search([("product_id", "=", self.seal.id), ("location_id", "=", returns.id)])
        self.assertEqual(len(quants), 2, "the same untracked part of two claims is not merged into one quant")
        before = self._stock_figures()

        second.with_user(self.user_workshop).action_ship_returned_parts()
        shipment = second.manufacturer_return_picking_id
        self.assertEqual((shipment.partner_id, shipment.origin), (self.manufacturer, second.name))
        self.assertEqual(shipment.move_line_ids.package_id, second_line.returned_package_id)
        # A warehouse user without any warranty role validates it: the line follows all the same
        shipment.with_user(self.user_warehouse).button_validate()
        self.assertEqual(shipment.state, "done")
        self.assertEqual(second_line.return_state, "shipped")
        self.assertEqual(second_line.returned_package_id.location_id, self.env.ref("stock.stock_location_suppliers"))
        self.assertEqual(first_line.return_state, "kept")
        self.assertEqual(first_line.returned_package_id.location_id, returns)
        self.assertEqual(first_line.returned_package_id.quant_ids.quantity, 2, "the other claim's part stays")
        self.assertFalse(self.env["stock.quant"].search([
            ("product_id", "=", self.seal.id), ("location_id", "=", returns.id), ("quantity", "<", 0),
        ]), "no part was taken from a quant that is not the claim's")
        self.assertEqual(self._stock_figures(), before, "shipping a returned part changes no stock figure")
        with self.assertRefused(f"Claim {second.name} has no part kept in the warranty returns"):
            second.with_user(self.user_workshop).action_ship_returned_parts()

    def test_shipped_only_when_the_transfer_is_done(self):
        claim = self._submitted_claim()
        line = self._part_line(claim)
        self.assertIs(claim.with_user(self.user_workshop).action_ship_returned_parts(), True)
        self.assertEqual(line.return_state, "to_ship", "a planned shipment is not a shipped part")
        self.assertFalse(claim.has_parts_to_ship)
        # The shipment is cancelled: the part is kept again and can be shipped later
        claim.manufacturer_return_picking_id.action_cancel()
        self.assertEqual(line.return_state, "kept")
        self.assertTrue(claim.has_parts_to_ship)
        claim.with_user(self.user_workshop).action_ship_returned_parts()
        shipment = claim.manufacturer_return_picking_id
        self.assertEqual(shipment.state, "assigned")
        self.assertEqual(line.return_state, "to_ship")
        shipment.move_ids.picked = True
        shipment._action_done()
        self.assertEqual(line.return_state, "shipped")

    def test_only_the_workshop_ships_and_the_status_follows_the_stock(self):
        claim = self._submitted_claim()
        line = self._part_line(claim)
        with self.assertRaisesRegex(AccessError, "Only the workshop ships or scraps the defective parts"):
            claim.with_user(self.user_accountant_only).action_ship_returned_parts()
        with self.assertRefused("The status of a returned part follows its transfers"):
            line.with_user(self.user_workshop).write({"return_state": "shipped"})
        draft = self._claim(self._done_repair())
        with self.assertRefused(f"Claim {draft.name} is not submitted: its parts are not set aside"):
            draft.with_user(self.user_workshop).action_ship_returned_parts()

    def test_resubmission_does_not_set_the_part_aside_twice(self):
        claim = self._submitted_claim()
        package = self._part_line(claim).returned_package_id
        claim.with_user(self.user_accountant).action_reject("Seal damaged by the dealer")
        claim.with_user(self.user_workshop).action_resubmit()
        self.assertEqual(claim.state, "draft")
        line = self._part_line(claim)
        self.assertEqual(line.return_state, "kept", "the part stays where it is while the claim is corrected")
        with self.assertRefused("The status of a returned part follows its transfers"):
            line.with_user(self.user_workshop).write({"return_state": "none"})
        with self.assertRefused("The status of a returned part follows its transfers"):
            claim.with_user(self.user_workshop).write({"line_ids": [Command.create({
                "name": "Forged part", "product_id": self.seal.id, "price_unit": 1.0, "return_state": "kept",
            })]})
        with self.assertRefused("is already set aside in its own package: its part tag and return cannot change"):
            line.with_user(self.user_workshop).write({"return_required": False})
        with self.assertRefused("waits in the warranty returns: ship or scrap it before deleting its line"):
            line.with_user(self.user_workshop).unlink()
        with freeze_time("2026-06-20"):
            claim.with_user(self.user_workshop).action_submit()
        self.assertEqual(self._part_line(claim).returned_package_id, package)
        returns = self.warehouse._get_warranty_returns_location()
        self.assertEqual(self.seal.with_context(location=returns.id).qty_available, 2)

    def test_tracked_part_needs_its_serial(self):
        claim = self._claim(self._done_repair())
        self.seal.tracking = "lot"
        with freeze_time("2026-06-10"), self.assertRefused("is tracked by serial or lot: enter the defective part's"):
            claim.with_user(self.user_workshop).action_submit()
        part_lot = self.env["stock.lot"].create({"name": "SEAL-DEFECT-7", "product_id": self.seal.id})
        self._part_line(claim).returned_lot_id = part_lot
        with freeze_time("2026-06-10"):
            claim.with_user(self.user_workshop).action_submit()
        quant = self._part_line(claim).returned_package_id.quant_ids
        self.assertEqual((quant.lot_id, quant.quantity), (part_lot, 2))

    def test_scrap_after_the_retention_period(self):
        scrapped = self._submitted_claim()
        shipped = self._submitted_claim()
        shipped.with_user(self.user_workshop).action_ship_returned_parts()
        line = self._part_line(scrapped)
        before = self._stock_figures()
        with freeze_time("2026-07-01"):
            with self.assertRefused("None of these parts is kept past its retention period"):
                line.with_user(self.user_workshop).action_scrap_expired_parts()
        with freeze_time("2026-10-01"):  # 90 days of retention after 2026-06-10
            result = (line | shipped.line_ids).with_user(self.user_workshop).action_scrap_expired_parts()
        self.assertIs(result, True)
        self.assertEqual(line.return_state, "scrapped")
        self.assertEqual(self._part_line(shipped).return_state, "to_ship", "a planned shipment is not scrapped")
        scrap = self.env["stock.scrap"].search([("warranty_claim_line_id", "=", line.id)])
        self.assertEqual((scrap.state, scrap.package_id), ("done", line.returned_package_id))
        self.assertFalse(line.returned_package_id.quant_ids.filtered("quantity"))
        self.assertEqual(self._part_line(shipped).returned_package_id.quant_ids.quantity, 2)
        self.assertEqual(self._stock_figures(), before, "scrapping a returned part changes no stock figure")

    @mute_logger("odoo.addons.warranty_service.models.stock_warehouse")
    def test_internal_location_of_older_versions_is_not_used(self):
        legacy = self.env["stock.location"].create({
            "name": "Warranty Returns", "usage": "internal", "location_id": self.warehouse.view_location_id.id,
            "warranty_returns": True,
        })
        self.warehouse.warranty_returns_location_id = legacy
        returns = self.warehouse._get_warranty_returns_location()
        self.assertNotEqual(returns, legacy)
        self.assertEqual(returns.usage, "inventory")
        self.assertFalse(legacy.warranty_returns)
        self.assertFalse(legacy.active, "the empty internal location is archived")

    @mute_logger("odoo.addons.warranty_service.models.stock_warehouse")
    def test_parts_set_aside_by_older_versions_leave_from_where_they_are(self):
        legacy = self.env["stock.location"].create({
            "name": "Warranty Returns", "usage": "internal", "location_id": self.warehouse.view_location_id.id,
            "warranty_returns": True,
        })
        self.env["stock.quant"]._update_available_quantity(self.seal, legacy, 2)
        claim = self._claim(self._done_repair())
        # What older versions left: the parts in the internal location, no package, the line kept
        claim.write({"state": "submitted", "return_picking_id": self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.int_type_id.id, "location_id": self.stock_location.id,
            "location_dest_id": legacy.id,
        }).id})
        line = self._part_line(claim)
        line.with_context(warranty_returned_parts_update=True).return_state = "kept"
        self.assertNotEqual(self.warehouse._get_warranty_returns_location(), legacy)
        self.assertTrue(legacy.active, "the parts still in it keep it open")
        claim.with_user(self.user_workshop).action_ship_returned_parts()
        shipment = claim.manufacturer_return_picking_id
        self.assertEqual(shipment.location_id, legacy)
        shipment.button_validate()
        self.assertEqual(line.return_state, "shipped")
        self.assertEqual(self.seal.with_context(location=legacy.id).qty_available, 0)

    def test_tag(self):
        claim = self._submitted_claim()
        line = self._part_line(claim)
        action = claim.with_user(self.user_workshop).action_print_returned_part_tags()
        self.assertEqual(action["report_name"], "warranty_service.report_returned_part_tag")
        self.assertEqual(action["context"]["active_ids"], line.ids)
        with self.assertRefused("None of these lines has a defective part set aside"):
            self._claim(self._done_repair()).line_ids.action_print_returned_part_tag()
        html, _kind = self.env["ir.actions.report"].with_user(self.user_workshop)._render_qweb_html(
            "warranty_service.report_returned_part_tag", line.ids,
        )
        html = html.decode()
        for text in (claim.name, str(line.id), "Crankshaft seal", "VIN-REP-1", claim.repair_id.name, "06/10/2026",
                     "Test Motors AG", "data:image/png;base64"):
            self.assertIn(text, html)
        claim_html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "warranty_service.report_claim_returned_part_tags", claim.ids,
        )
        self.assertIn(line.returned_package_id.name, claim_html.decode())

    def test_tag_pdf(self):
        """The tag really renders to a PDF (wkhtmltopdf), which names the claim and the unit's serial."""
        self.assertEqual(self.env["ir.actions.report"].get_wkhtmltopdf_state(), "ok",
                         "printing the part tag needs wkhtmltopdf (see README)")
        claim = self._submitted_claim()
        # wkhtmltopdf fetches the style sheets from the server; the test's own server would wait for this
        # test's transaction, so it is pointed at a closed port: the tag renders unstyled, at once
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "warranty_service.report_returned_part_tag", self._part_line(claim).ids,
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        self.assertIn(claim.name, text)
        self.assertIn("VIN-REP-1", text)

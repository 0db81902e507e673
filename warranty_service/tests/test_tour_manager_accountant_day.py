import base64
import csv
import io
import os

import werkzeug.urls

from odoo import Command
from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

from .common import set_claims_accounting

# Set to write the landing screens into docs/ (README): make test leaves the committed images alone
SCREENSHOTS = os.environ.get("WARRANTY_SCREENSHOTS")


@tagged("post_install", "-at_install")
class TestOfficeTours(HttpCase):
    """The days of the Warranty Manager and of the accountant in the browser, each with their own group only."""

    browser_size = "1280x800"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_claims_accounting(cls.env, "Office", ("791301", "791401", "147301"))
        cls.manager = new_test_user(
            cls.env, login="ws_office_manager", name="Office Manager", groups="warranty_service.group_warranty_manager"
        )
        cls.accountant = new_test_user(
            cls.env, login="ws_office_accountant", groups="warranty_service.group_warranty_accountant"
        )
        cls.workshop = new_test_user(
            cls.env, login="ws_office_workshop", groups="warranty_service.group_warranty_workshop"
        )
        cls.env.company.warranty_manager_user_id = cls.manager
        cls.maker = cls.env["res.partner"].create(
            {"name": "Office Motors", "is_company": True, "warranty_claim_prefix": "OM-WC-"}
        )
        defect = cls.env["warranty.defect.code"].create({"code": "T-OFF", "name": "Leak"})
        cls.part = cls.env["product.product"].create({"name": "Office Seal", "type": "consu"})
        # 1: waiting for a decision, its part set aside; 2: accepted, to invoice; 3: invoiced 307.60
        cls.claims = cls.env["warranty.claim"].create([{
            "manufacturer_id": cls.maker.id,
            "defect_code_ids": [Command.link(defect.id)],
            "causal_part_id": cls.part.id,
            "line_ids": [
                Command.create({"line_type": "labor", "name": "Replace seal", "price_unit": amount}),
                Command.create({"line_type": "part", "product_id": cls.part.id, "name": "Seal", "price_unit": 0.0,
                                "return_required": True}),
            ],
        } for amount in (120.0, 80.0, 307.60)])
        cls.claims.action_submit()
        cls.claims[1:].action_accept()
        cls.claims[2].action_create_invoice()
        cls.claims[2].invoice_ids.action_post()

    def _save_landing(self, login, action, selector, filename):
        """Take the role's landing screen at 1280x800 into docs/ (only with WARRANTY_SCREENSHOTS set)."""
        browser = ChromeBrowser(self, headless=True, success_signal="landing ready")
        try:
            self.authenticate(login, login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            browser.navigate_to(werkzeug.urls.url_join(self.base_url(), f"/odoo/action-{action}"), wait_stop=True)
            browser._wait_code_ok(
                f"""(async () => {{
                    for (let i = 0; i < 300; i++) {{
                        if (document.querySelector({selector!r})) {{
                            await new Promise((resolve) => setTimeout(resolve, 800));
                            console.log("landing ready");
                            return;
                        }}
                        await new Promise((resolve) => setTimeout(resolve, 100));
                    }}
                    console.error("the landing screen did not show {selector}");
                }})()""",
                60,
            )
            shot = browser._websocket_request("Page.captureScreenshot", params={"format": "png"})
            path = os.path.join(os.path.dirname(get_module_path("warranty_service")), "docs", filename)
            with open(path, "wb") as image:
                image.write(base64.b64decode(shot["data"]))
        finally:
            browser.stop()
            self._wait_remaining_requests()

    def test_manager_day(self):
        # The to-dos of the department go to the responsible Warranty Manager of the settings, not to the
        # administrator (also a Warranty Manager, with a lower id) nor OdooBot
        repair = self.env["repair.order"].create({
            "product_id": self.env["product.product"].create(
                {"name": "Office Van", "type": "consu", "warranty_manufacturer_id": self.maker.id}
            ).id,
        })
        repair.with_user(self.workshop)._schedule_manufacturer_notification()
        self.assertEqual(repair.activity_ids.user_id, self.manager)
        self.assertEqual(self.env["repair.order"]._get_warranty_manager(), self.manager, "quality alerts too")
        if SCREENSHOTS:
            self._save_landing(
                "ws_office_manager", "warranty_service.warranty_claim_action_manager",
                ".o_kanban_group .o_kanban_record", "manager_landing.png",
            )
        self.start_tour("/odoo", "warranty_service_manager_day_tour", login="ws_office_manager")

    def test_accountant_day(self):
        if SCREENSHOTS:
            self._save_landing(
                "ws_office_accountant", "warranty_service.warranty_claim_action_accountant",
                ".o_data_row", "accountant_landing.png",
            )
        self.start_tour("/odoo", "warranty_service_accountant_day_tour", login="ws_office_accountant")
        submitted, to_invoice, paid_short = self.claims
        self.assertEqual(submitted.state, "rejected")
        self.assertEqual(submitted.rejection_reason, "Not a factory defect")
        self.assertEqual(to_invoice.invoice_ids.partner_id, self.maker)
        self.assertEqual(paid_short.amount_paid, 300.0)
        self.assertAlmostEqual(paid_short.amount_short, 7.60)

    def test_responsible_manager_fallback(self):
        """Without a responsible one, a Warranty Manager who is a person gets the to-dos, the administrator last."""
        self.env.company.warranty_manager_user_id = False
        manager = self.env["repair.order"]._get_warranty_manager()
        self.assertNotIn(manager, self.env.ref("base.user_root") | self.env.ref("base.user_admin"))
        self.assertTrue(manager.has_group("warranty_service.group_warranty_manager"))

    def test_export_names_the_part_tag(self):
        """The export's part_tag is the package on the returned part's tag, also for a part without serial."""
        wizard = self.env["warranty.claim.export"].with_user(self.manager).create({
            "manufacturer_id": self.maker.id, "file_format": "csv", "claim_ids": [Command.set(self.claims[0].ids)],
        })
        wizard.action_export()
        rows = list(csv.DictReader(io.StringIO(base64.b64decode(wizard.data).decode())))
        package = self.claims[0].line_ids.filtered("return_required").returned_package_id
        self.assertTrue(package)
        self.assertEqual([row["part_tag"] for row in rows if row["line_type"] == "part"], [package.name])

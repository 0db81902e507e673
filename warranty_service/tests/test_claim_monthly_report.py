import base64
import io

from freezegun import freeze_time
from lxml import html as lxml_html
from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestClaimMonthlyReport(ClaimCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_maker = cls.env["res.partner"].create({"name": "Other Maker", "is_company": True})
        # 4 more vans in service: 6 registered units of the model by the end of June
        more = cls._create_lots(cls.van, "VIN-M-1", "VIN-M-2", "VIN-M-3", "VIN-M-4")
        cls.env["warranty.registration"].create([
            {"lot_id": lot.id, "partner_id": cls.customer.id, "date_start": "2026-02-01"} for lot in more
        ])
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Rear seal replacement", "campaign_code": "RC-2026-01", "manufacturer_id": cls.manufacturer.id,
            "product_ids": [Command.set(cls.van.ids)], "date_start": "2026-03-01",
        })
        cls.recall._add_lots(more[:2])
        cls.recall.action_open()
        cls.recall.line_ids[0].state = "done"

    def _june(self):
        """Three claims raised in June (accepted, rejected, draft) and one from May."""
        accepted = self._claim(self._done_repair())
        rejected = self._claim(self._done_repair(lot=self.lot_extended, when="2026-06-05 09:00:00",
                                                 done_on="2026-06-06 10:00:00"))
        self._claim(self._done_repair(when="2026-06-20 09:00:00", done_on="2026-06-20 15:00:00"))
        may = self._claim(self._done_repair(when="2026-05-05 09:00:00", done_on="2026-05-06 10:00:00"))
        with freeze_time("2026-05-10"):
            may.action_submit()
        with freeze_time("2026-06-10"):
            (accepted | rejected).action_submit()
        accepted.action_accept()
        rejected.action_reject("Not a factory defect")
        return self.env["warranty.claim.monthly.report"].with_user(self.user_manager).create({
            "year": 2026, "month": "6",
        })

    def test_figures(self):
        wizard = self._june()
        [section] = wizard._get_report_data()
        self.assertEqual(section["manufacturer"], self.manufacturer, "a manufacturer without activity is left out")
        self.assertEqual((section["claims_raised"], section["claims_submitted"]), (3, 2))
        self.assertEqual((section["amount_claimed"], section["amount_accepted"], section["amount_rejected"]),
                         (460.0, 230.0, 230.0))
        self.assertEqual([(row["defect"], row["count"]) for row in section["defects"]], [(self.defect, 3)])
        self.assertEqual(
            [(row["model"], row["failures"], row["units"], row["rate"]) for row in section["failure_rates"]],
            [(self.van.product_tmpl_id, 3, 6, 50.0)],
        )
        self.assertEqual(section["recalls"], [self.recall])

    def test_pdf(self):
        wizard = self._june()
        content, _kind = self.env["ir.actions.report"].with_user(self.user_manager)._render_qweb_html(
            "warranty_service.report_claim_monthly", wizard.ids,
        )
        page = lxml_html.fromstring(content)

        def cell(css_class):
            return page.xpath(f"//*[contains(@class, '{css_class}')]")[0].text_content().replace("\xa0", " ").strip()

        self.assertIn("Warranty claims, June 2026", page.text_content())
        self.assertEqual(cell("o_claim_monthly_manufacturer"), "Test Motors AG")
        self.assertEqual((cell("o_claims_raised"), cell("o_claims_submitted")), ("3", "2"))
        self.assertIn("460.00", cell("o_amount_claimed"))
        self.assertIn("230.00", cell("o_amount_accepted"))
        self.assertIn("230.00", cell("o_amount_rejected"))
        defects = [td.text_content().strip() for td in page.xpath("//table[@name='defects']//td")]
        self.assertEqual(defects, ["T-E101", "Oil leak at crankshaft seal", "3"])
        rates = [td.text_content().strip() for td in page.xpath("//table[@name='failure_rates']//td")]
        self.assertEqual(rates, ["Test Van", "3", "6", "50.00"])
        recalls = [td.text_content().strip() for td in page.xpath("//table[@name='recalls']//td")]
        self.assertEqual(recalls, ["RC-2026-01", "Rear seal replacement", "1", "1", "0", "50 %"])
        self.assertEqual(wizard.action_print_pdf()["report_name"], "warranty_service.report_claim_monthly")

    def test_xlsx(self):
        wizard = self._june()
        wizard.action_export_xlsx()
        self.assertEqual(wizard.xlsx_filename, "warranty-claims-2026-06.xlsx")
        book = load_workbook(io.BytesIO(base64.b64decode(wizard.xlsx_file)))
        self.assertEqual(book.sheetnames, ["Claims", "Defects", "Failure Rates", "Recalls"])

        def rows(sheet):
            return [list(row) for row in book[sheet].iter_rows(min_row=4, values_only=True)]

        self.assertEqual(book["Claims"]["A1"].value, "Claims, June 2026")
        # Acceptance: 230 of the 460 decided = 50 %; nothing paid nor charged back in June (empty days, 0)
        self.assertEqual(rows("Claims"), [["Test Motors AG", 3, 2, 460, 230, 230, 50, None, None, 0, 0]])
        self.assertEqual(rows("Defects"), [["Test Motors AG", "T-E101", "Oil leak at crankshaft seal", 3]])
        self.assertEqual(rows("Failure Rates"), [["Test Motors AG", "Test Van", 3, 6, 50]])
        self.assertEqual(rows("Recalls"), [["Test Motors AG", "RC-2026-01", "Rear seal replacement", 1, 1, 0, 50]])

    def test_chosen_manufacturers_and_empty_month(self):
        self._june()
        wizard = self.env["warranty.claim.monthly.report"].with_user(self.user_manager).create({
            "year": 2026, "month": "6", "manufacturer_ids": [Command.set(self.other_maker.ids)],
        })
        [section] = wizard._get_report_data()
        self.assertEqual((section["manufacturer"], section["claims_raised"], section["amount_claimed"]),
                         (self.other_maker, 0, 0.0), "a chosen manufacturer is shown, even with nothing to show")
        empty = (
            self.env["warranty.claim.monthly.report"].with_user(self.user_manager).create({"year": 2020, "month": "1"})
        )
        with self.assertRefused("No manufacturer has claims, failures or a running recall in January 2020"):
            empty.action_print_pdf()
        with self.assertRefused("1899 is not a year"):
            empty.year = 1899

    def test_managers_only(self):
        for user in (self.user_workshop, self.user_accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["warranty.claim.monthly.report"].with_user(user).create({"year": 2026, "month": "6"})

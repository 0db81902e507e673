from odoo.tests import tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestCertificate(WarrantyCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lot = cls._create_lots(cls.van, "VIN-PDF-1")
        cls.registration = cls.env["warranty.registration"].create({
            "lot_id": lot.id, "partner_id": cls.customer.id, "date_start": "2026-02-01",
            "extension_product_id": cls.extension.id,
        })

    def test_certificate_content(self):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "warranty_service.report_warranty_certificate", self.registration.ids,
        )
        html = html.decode()
        for text in ("Warranty Certificate", self.registration.name, "VIN-PDF-1", "Test Van", "Farmer Jensen",
                     "01/31/2028", "01/31/2029", "100,000", "Extended Warranty +12 months"):
            self.assertIn(text, html)

    def test_print_leaves_a_trace(self):
        action = self.registration.with_user(self.user_workshop).action_print_certificate()
        self.assertEqual(action["report_name"], "warranty_service.report_warranty_certificate")
        self.assertIn("Warranty certificate printed.", self.registration.message_ids.mapped("body")[0])

    def test_no_certificate_for_a_void_registration(self):
        self.registration.action_void()
        with self.assertRefused("A void registration has no valid warranty certificate"):
            self.registration.action_print_certificate()

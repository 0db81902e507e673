from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import set_claims_accounting


@tagged("post_install", "-at_install")
class TestRemittanceTour(HttpCase):
    """The accountant's month-end in the browser: a remittance file pays the invoiced claims."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_claims_accounting(cls.env, "Tour", ("791101", "791201", "147101"))
        maker = cls.env["res.partner"].create(
            {"name": "Remit Motors", "is_company": True, "warranty_claim_prefix": "RM-WC-"}
        )
        defect = cls.env["warranty.defect.code"].create({"code": "T-REM", "name": "Leak"})
        part = cls.env["product.product"].create({"name": "Remit Seal", "type": "consu"})
        cls.claims = cls.env["warranty.claim"].create([{
            "manufacturer_id": maker.id,
            "defect_code_ids": [Command.link(defect.id)],
            "causal_part_id": part.id,
            "line_ids": [Command.create({"line_type": "labor", "name": "Replace seal", "price_unit": amount})],
        } for amount in (100.0, 50.0)])
        cls.claims.action_submit()
        cls.claims.action_accept()
        cls.claims.action_create_invoice()
        cls.claims.invoice_ids.action_post()
        new_test_user(cls.env, login="ws_tour_accountant", groups="warranty_service.group_warranty_accountant")

    def test_accountant_imports_a_remittance(self):
        self.assertEqual(self.claims.mapped("name"), ["RM-WC-00001", "RM-WC-00002"])
        self.start_tour(
            "/odoo/action-warranty_service.warranty_claim_action",
            "warranty_service_remittance_tour",
            login="ws_tour_accountant",
        )
        self.assertEqual(self.claims.mapped("state"), ["paid", "paid"])
        payments = self.env["account.payment"].search([("memo", "=", "REM-TOUR-11")])
        self.assertEqual(payments.mapped("amount"), [150.0], "one payment for the manufacturer's grouped invoice")

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_repair import WarrantyRepairCommon


@tagged("post_install", "-at_install")
class TestRecall(WarrantyRepairCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Rear seal replacement",
            "campaign_code": "RC-2026-01",
            "manufacturer_id": cls.manufacturer.id,
            "product_ids": [Command.set(cls.van.ids)],
            "operation_id": cls.operation_seal.id,
            "part_ids": [Command.create({"product_id": cls.seal.id, "quantity": 1})],
        })

    def test_campaign_from_listing_to_completion(self):
        self.recall.with_user(self.user_manager).action_add_serials_from_products()
        lines = self.recall.line_ids
        self.assertEqual(lines.lot_id, self.lot_covered | self.lot_extended, "the sold serials, not the unregistered one")
        self.assertEqual(lines.mapped("partner_id"), self.customer, "matched to their owner")
        self.recall.with_user(self.user_manager).action_add_serials_from_products()
        self.assertEqual(len(self.recall.line_ids), 2, "a unit is listed once")
        self.assertFalse(self.lot_covered.warranty_recall_line_ids, "a draft campaign flags nothing yet")
        self.recall.action_open()
        self.assertEqual(self.lot_covered.with_user(self.user_workshop).warranty_recall_line_ids.recall_id, self.recall)

        # The unit comes in for something else: the repair shows the campaign and takes its work
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        self.assertEqual(repair.recall_line_ids.recall_id, self.recall)
        repair.with_user(self.user_workshop).action_add_campaign_work()
        self.assertEqual(repair.labor_line_ids.operation_id, self.operation_seal)
        self.assertEqual(repair.move_ids.product_id, self.seal)
        self._diagnose(repair)
        self._confirm(repair)
        repair.action_repair_start()
        repair.action_repair_end()
        line = self.recall.line_ids.filtered(lambda l: l.lot_id == self.lot_covered)
        self.assertEqual((line.state, line.repair_id), ("done", repair))
        self.assertFalse(self.lot_covered.warranty_recall_line_ids, "done units are no longer flagged")
        self.recall.line_ids.filtered(lambda l: l.lot_id == self.lot_extended).action_not_applicable()
        self.assertEqual((self.recall.count_done, self.recall.count_open, self.recall.count_not_applicable), (1, 0, 1))
        self.assertEqual(self.recall.progress, 100.0)

    def test_owners_are_informed_in_their_language(self):
        self.recall.action_add_serials_from_products()
        self.recall.action_open()
        self.recall.with_user(self.user_manager).action_notify_owners()
        mails = self.env["mail.mail"].search([("model", "=", "warranty.recall.line"), ("res_id", "in", self.recall.line_ids.ids)])
        self.assertEqual(len(mails), 2, "one notice per affected unit")
        self.assertIn("RC-2026-01", mails[0].body_html)
        self.assertEqual(mails.mapped("email_to"), ["jensen@example.com"] * 2)
        self.assertTrue(all(self.recall.line_ids.mapped("notified")))
        with self.assertRefused("No owner with an e-mail address is left to inform"):
            self.recall.action_notify_owners()

    def test_bad_input_and_roles(self):
        with self.assertRefused("A campaign without affected units cannot start"):
            self.recall.action_open()
        with self.assertRefused("has no open recall campaign"):
            self._repair(self.lot_unregistered).action_add_campaign_work()
        with self.assertRefused("A campaign code must be unique per manufacturer"):
            self.recall.copy({"name": "Copy"})
        with self.assertRaises(AccessError):
            self.env["warranty.recall"].with_user(self.user_workshop).create({
                "name": "X", "campaign_code": "X", "manufacturer_id": self.manufacturer.id,
            })

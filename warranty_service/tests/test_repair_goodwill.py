from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .test_repair import WarrantyRepairCommon


@tagged("post_install", "-at_install")
class TestGrantGoodwill(WarrantyRepairCommon):
    """*Grant Goodwill* asks the Warranty Manager for the reason first, instead of failing on a field of another tab."""

    def _wizard(self, repair, user):
        return Form(self.env["warranty.repair.goodwill"].with_user(user).with_context(
            active_model="repair.order", active_ids=repair.ids,
        ))

    def test_manager_grants_goodwill_with_the_reason_asked(self):
        repair = self._repair(self.lot_unregistered)
        self.assertEqual(repair.warranty_coverage, "none")
        wizard = self._wizard(repair, self.user_manager)
        wizard.reason = "Loyal customer, failure known on this series"
        wizard.save().action_grant()
        self.assertEqual(repair.warranty_coverage, "goodwill")
        self.assertEqual(repair.goodwill_reason, "Loyal customer, failure known on this series")
        self.assertEqual(repair.goodwill_user_id, self.user_manager)
        self.assertTrue(repair.under_warranty, "the customer does not pay for the covered work")

    def test_only_a_manager_and_only_with_a_reason(self):
        repair = self._repair(self.lot_unregistered)
        with self.assertRaises(AccessError):
            self._wizard(repair, self.user_workshop)
        wizard = self.env["warranty.repair.goodwill"].with_user(self.user_manager).with_context(
            active_model="repair.order", active_ids=repair.ids,
        ).create({"reason": "  "})
        with self.assertRaisesRegex(UserError, "Enter the reason for granting goodwill"):
            wizard.action_grant()
        self.assertEqual(repair.warranty_coverage, "none")
        covered = self._repair(self.lot_covered)
        wizard = self.env["warranty.repair.goodwill"].with_user(self.user_manager).with_context(
            active_model="repair.order", active_ids=covered.ids,
        ).create({"reason": "Not needed"})
        with self.assertRaisesRegex(UserError, "is already covered"):
            wizard.action_grant()

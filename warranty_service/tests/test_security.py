from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestSecurity(WarrantyCommon):
    """Each role can do its job with registrations, and nothing more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot, cls.lot2 = cls._create_lots(cls.van, "VIN-SEC-1", "VIN-SEC-2")
        cls.registration = cls.env["warranty.registration"].create({
            "lot_id": cls.lot.id, "partner_id": cls.customer.id, "date_start": "2026-01-01",
        })
        cls.user_nobody = new_test_user(cls.env, login="ws_nobody", groups="base.group_user")

    def test_readers_look_up_and_check_coverage(self):
        for user in (self.user_workshop, self.user_parts, self.user_accountant, self.user_manager):
            registration = self.registration.with_user(user)
            self.assertEqual(registration.lot_id.name, "VIN-SEC-1", user.login)
            self.assertEqual(
                registration.check_coverage("2026-06-01")["coverage"], "manufacturer", user.login,
            )
            self.assertEqual(registration.lot_id.warranty_state, "active", user.login)

    def test_only_the_manager_registers_and_voids(self):
        for user in (self.user_workshop, self.user_parts, self.user_accountant):
            Registration = self.env["warranty.registration"].with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                Registration.create({"lot_id": self.lot2.id, "partner_id": self.customer.id})
            with self.assertRaises(AccessError, msg=user.login):
                self.registration.with_user(user).write({"date_end": "2030-01-01"})
            with self.assertRaises(AccessError, msg=user.login):
                self.registration.with_user(user).action_void()
            with self.assertRaises(AccessError, msg=user.login):
                self.registration.with_user(user).unlink()
        Registration = self.env["warranty.registration"].with_user(self.user_manager)
        new = Registration.create({"lot_id": self.lot2.id, "partner_id": self.customer.id})
        new.action_void()
        self.assertEqual(new.state, "void")

    def test_manager_sets_product_terms(self):
        self.van.product_tmpl_id.with_user(self.user_manager).warranty_months = 36
        self.assertEqual(self.van.warranty_months, 36)
        with self.assertRaises(AccessError):
            self.van.product_tmpl_id.with_user(self.user_workshop).warranty_months = 12

    def test_users_without_a_warranty_role_see_nothing(self):
        with self.assertRaises(AccessError):
            self.registration.with_user(self.user_nobody).read(["name"])
        with self.assertRaises(AccessError):
            self.env["warranty.registration"].with_user(self.user_nobody).search([])

    def test_warehouse_user_delivery_still_registers(self):
        """Validating a delivery needs no warranty role: the registration follows it."""
        self._put_in_stock(self.lot2)
        order = self._sell([(self.van, 1)], user=self.user_warehouse)
        self._deliver(order.picking_ids, user=self.user_warehouse)
        self.assertEqual(self.lot2.warranty_registration_id.sale_order_id, order)

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Dealer"})
        other_manager = new_test_user(
            self.env, login="ws_other_manager", groups="warranty_service.group_warranty_manager",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        other_lot = self.env["stock.lot"].create({
            "name": "VIN-SEC-OTHER", "product_id": self.van.id, "company_id": other_company.id,
        })
        other_registration = self.env["warranty.registration"].create({
            "lot_id": other_lot.id, "company_id": other_company.id,
        })
        Registration = self.env["warranty.registration"]
        self.assertNotIn(other_registration, Registration.with_user(self.user_manager).search([]))
        self.assertIn(self.registration, Registration.with_user(self.user_manager).search([]))
        self.assertEqual(Registration.with_user(other_manager).search([]), other_registration)
        with self.assertRaises(AccessError):
            self.registration.with_user(other_manager).read(["name"])
        # A registration cannot point at a serial of another company
        foreign_lot = self.env["stock.lot"].create({
            "name": "VIN-SEC-FOREIGN", "product_id": self.van.id, "company_id": other_company.id,
        })
        with self.assertRefused("(?i)incompatible compan"):
            Registration.create({"lot_id": foreign_lot.id, "company_id": self.company.id})

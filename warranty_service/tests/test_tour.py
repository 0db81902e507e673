from odoo.tests import HttpCase, new_test_user, tagged


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
        self.assertEqual(printed.author_id, self.env["res.users"].search([("login", "=", "ws_tour_workshop")]).partner_id)

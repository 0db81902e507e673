from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import WarrantyCommon


@tagged("post_install", "-at_install")
class TestProductTerms(WarrantyCommon):

    def test_terms_are_set_on_the_product_form(self):
        with Form(self.env["product.template"]) as form:
            form.name = "Test Excavator"
            form.is_storable = True
            form.tracking = "serial"
            form.warranty_months = 36
            form.warranty_mileage_km = 0
            form.warranty_manufacturer_id = self.manufacturer
        template = form.record
        self.assertEqual(template.warranty_months, 36)
        self.assertEqual(template.warranty_manufacturer_id, self.manufacturer)

    def test_negative_months_refused(self):
        with self.assertRaisesRegex(ValidationError, r"warranty term of .*Test Van.* cannot be negative"):
            self.van.product_tmpl_id.warranty_months = -1

    def test_negative_mileage_refused(self):
        with self.assertRaisesRegex(ValidationError, "mileage limit of .*Test Van.* cannot be negative"):
            self.van.product_tmpl_id.warranty_mileage_km = -5

    def test_extension_of_zero_months_refused(self):
        with self.assertRefused("extended warranty .*must add at least one month"):
            self.env["product.product"].create({
                "name": "Extension without months", "type": "service", "is_extended_warranty": True,
            })
        with self.assertRefused("The extended warranty .*Extended Warranty \\+12 months.* must add at least one month"):
            self.extension.warranty_extension_months = 0

    def test_extension_must_be_a_service(self):
        with self.assertRefused("must be a service product"):
            self.env["product.product"].create({
                "name": "Boxed extension", "type": "consu", "is_extended_warranty": True,
                "warranty_extension_months": 12,
            })

    def test_nothing_half_written(self):
        """A refused value leaves the product as it was."""
        template = self.van.product_tmpl_id
        with self.assertRaises(ValidationError):
            template.write({"warranty_months": 48, "warranty_mileage_km": -1})
        template.invalidate_recordset()
        self.assertEqual(template.warranty_months, 24)
        self.assertEqual(template.warranty_mileage_km, 100000)

from odoo.tests import tagged

from .test_coverage_components import CoverageComponentsCommon


@tagged("post_install", "-at_install")
class TestCertificateComponents(CoverageComponentsCommon):
    """Step 8 of issue 24: the certificate lists every component with its limits, in the recipient's language."""

    def _html(self, registration):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "warranty_service.report_warranty_certificate", registration.ids,
        )
        return html.decode()

    def test_certificate_lists_the_components(self):
        registration = self._deliver_lots(self.van, "VIN-CRT-1")
        html = self._html(registration)
        for text in ("Coverage components", "Powertrain", "12/31/2029", "Emissions", "12/31/2032", "80,000"):
            self.assertIn(text, html)

    def test_certificate_in_the_recipients_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.powertrain.with_context(lang="fr_FR").name = "Groupe motopropulseur"
        registration = self._deliver_lots(self.van, "VIN-CRT-2")
        self.assertNotIn("Groupe motopropulseur", self._html(registration))
        self.customer.lang = "fr_FR"
        self.assertIn("Groupe motopropulseur", self._html(registration))

    def test_certificate_without_components_unchanged(self):
        registration = self._deliver_lots(self.saw, "SAW-CRT-1")
        self.assertNotIn("Coverage components", self._html(registration))

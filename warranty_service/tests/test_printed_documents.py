import io
import re

from odoo.tests import tagged
from odoo.tools.pdf import PdfReader

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestPrintedDocuments(ClaimCommon):
    """The documents handed to customers and manufacturers come out as real PDFs (wkhtmltopdf), with their content.

    Under the test runner Odoo renders reports as HTML unless ``force_report_rendering`` is set: these tests set it,
    so a report that wkhtmltopdf cannot print fails here. wkhtmltopdf fetches the style sheets from the server,
    which would wait for this test's own transaction: it is pointed at a closed port and prints unstyled, at once
    (the end-to-end tests download the styled PDFs from a running server).
    """

    def _pdf_text(self, report_ref, records, user):
        self.assertEqual(self.env["ir.actions.report"].get_wkhtmltopdf_state(), "ok", "printing needs wkhtmltopdf")
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        Report = self.env["ir.actions.report"].with_user(user).with_context(force_report_rendering=True)
        content, kind = Report._render_qweb_pdf(report_ref, records.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF"), "wkhtmltopdf produced a PDF")
        reader = PdfReader(io.BytesIO(content))
        self.assertGreaterEqual(len(reader.pages), 1)
        # Text extraction separates words by spaces, tabs or nothing depending on the layout: compare without them
        return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))

    def test_certificate_repair_act_and_reclamation_act_print(self):
        text = self._pdf_text("warranty_service.action_report_warranty_certificate", self.registration,
                              self.user_workshop)
        for expected in ("VIN-REP-1", self.registration.name, "FarmerJensen"):
            self.assertIn(expected, text)

        repair = self._done_repair()
        text = self._pdf_text("warranty_service.action_report_repair_act", repair, self.user_workshop)
        for expected in (repair.name, "VIN-REP-1", "T-E101", "Crankshaftseal"):
            self.assertIn(expected, text)

        claim = self._claim(repair)
        text = self._pdf_text("warranty_service.action_report_reclamation_act", claim, self.user_workshop)
        for expected in (claim.name, "VIN-REP-1", "TestMotorsAG"):
            self.assertIn(expected, text)

"""Issue 16: the owner's portal. Every route is tried with another owner's ids and tokens: the answer is a
redirect or an error, never the other owner's data. Dates are relative to today (the server's clock runs)."""

import base64
import json
import logging
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

_logger = logging.getLogger(__name__)

# A 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class PortalCommon(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env["res.partner"])
        cls.manufacturer = cls.env["res.partner"].create({"name": "Portal Motors AG", "is_company": True})
        cls.van = cls.env["product.product"].create({
            "name": "Portal Van", "type": "consu", "is_storable": True, "tracking": "serial",
            "warranty_months": 24, "warranty_mileage_km": 100000, "warranty_manufacturer_id": cls.manufacturer.id,
        })
        cls.trailer = cls.env["product.product"].create({
            "name": "Portal Trailer", "type": "consu", "is_storable": True, "tracking": "serial",
        })
        cls.extension = cls.env["product.product"].create({
            "name": "Portal Extension +12", "type": "service", "is_extended_warranty": True,
            "warranty_extension_months": 12,
        })
        cls.owner = cls.env["res.partner"].create({"name": "Olga Owner", "email": "olga@example.com"})
        cls.other = cls.env["res.partner"].create({"name": "Igor Intruder", "email": "igor@example.com"})
        cls.owner_user = new_test_user(
            cls.env, login="portal_olga", groups="base.group_portal", partner_id=cls.owner.id,
        )
        cls.other_user = new_test_user(
            cls.env, login="portal_igor", groups="base.group_portal", partner_id=cls.other.id,
        )
        lots = cls.env["stock.lot"].create([
            {"name": name, "product_id": product.id}
            for name, product in (
                ("VIN-OLGA-1", cls.van), ("VIN-OLGA-2", cls.van), ("VIN-IGOR-1", cls.van), ("TRL-OLGA-1", cls.trailer),
            )
        ])
        cls.lot_own1, cls.lot_own2, cls.lot_other, cls.lot_trailer = lots
        cls.unit_own1, cls.unit_own2, cls.unit_other = cls.env["warranty.registration"].create([
            {"lot_id": cls.lot_own1.id, "partner_id": cls.owner.id, "date_start": today - timedelta(days=100)},
            {"lot_id": cls.lot_own2.id, "partner_id": cls.owner.id, "date_start": today - timedelta(days=400),
             "extension_product_id": cls.extension.id},
            {"lot_id": cls.lot_other.id, "partner_id": cls.other.id, "date_start": today - timedelta(days=50)},
        ])
        recall = cls.env["warranty.recall"].create({
            "name": "Brake hose check", "campaign_code": "RC-PORTAL", "manufacturer_id": cls.manufacturer.id,
            "product_ids": [Command.set(cls.van.ids)],
            "line_ids": [Command.create({"lot_id": cls.lot_own1.id, "partner_id": cls.owner.id}),
                         Command.create({"lot_id": cls.lot_other.id, "partner_id": cls.other.id})],
        })
        recall.action_open()
        cls.recall = recall
        cls.category = cls.env["warranty.complaint.category"].create({
            "name": "Noise and vibration", "deadline_days": 7,
        })
        cls.repair_own, cls.repair_other, cls.repair_done = cls.env["repair.order"].create([
            {"product_id": cls.van.id, "lot_id": cls.lot_own1.id, "partner_id": cls.owner.id, "odometer_km": 1200},
            {"product_id": cls.van.id, "lot_id": cls.lot_other.id, "partner_id": cls.other.id},
            {"product_id": cls.trailer.id, "lot_id": cls.lot_trailer.id, "partner_id": cls.owner.id},
        ])
        cls.repair_done.action_validate()
        cls.repair_done.action_repair_start()
        cls.repair_done.action_repair_end()
        cls.complaint_other = cls.env["warranty.complaint"].create({
            "partner_id": cls.other.id, "registration_id": cls.unit_other.id, "description": "Igor's secret complaint",
        })
        cls.attachment_other = cls.env["ir.attachment"].create({
            "name": "igor.png", "raw": PNG, "res_model": "warranty.complaint", "res_id": cls.complaint_other.id,
        })
        cls.attachment_other.generate_access_token()
        for record in (cls.unit_own1, cls.unit_other, cls.repair_other, cls.complaint_other):
            record._portal_ensure_token()


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalCommon):
    def _get(self, url, **kwargs):
        return self.url_open(url, allow_redirects=False, **kwargs)

    def _assert_refused(self, url, secret):
        response = self._get(url)
        self.assertIn(response.status_code, (302, 303, 403, 404), f"{url} answered {response.status_code}")
        if response.status_code in (302, 303):
            location = response.headers.get("Location", "")
            self.assertRegex(location, r"/(my|web/login)", f"{url} redirected to {location}")
        self.assertNotIn(secret, response.text, f"{url} leaked {secret}")

    def test_lists_show_own_records_only(self):
        self.authenticate("portal_olga", "portal_olga")
        units = self._get("/my/units")
        self.assertEqual(units.status_code, 200)
        self.assertIn("VIN-OLGA-1", units.text)
        self.assertIn("VIN-OLGA-2", units.text)
        self.assertNotIn("VIN-IGOR-1", units.text)
        self.assertEqual(units.text.count("o_warranty_portal_recall"), 1, "one open recall on Olga's units")
        repairs = self._get("/my/repairs")
        self.assertIn(self.repair_own.name, repairs.text)
        self.assertIn(self.repair_done.name, repairs.text)
        self.assertNotIn(self.repair_other.name, repairs.text)
        counters = self.url_open(
            "/my/counters", data=json.dumps({"params": {
                "counters": ["warranty_unit_count", "warranty_repair_count", "warranty_complaint_count"],
            }}), headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(
            counters, {"warranty_unit_count": 2, "warranty_repair_count": 2, "warranty_complaint_count": 0},
        )

    def test_unit_page(self):
        self.authenticate("portal_olga", "portal_olga")
        page = self._get(f"/my/units/{self.unit_own1.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("RC-PORTAL", page.text, "the open recall is on the unit's page")
        self.assertIn(self.repair_own.name, page.text, "the unit's repairs")
        self.assertIn(f"/my/units/{self.unit_own1.id}/certificate", page.text)
        extended = self._get(f"/my/units/{self.unit_own2.id}")
        self.assertIn("o_warranty_portal_extension", extended.text)
        self.assertIn("Portal Extension +12", extended.text)
        self.assertNotIn("RC-PORTAL", extended.text)
        certificate = self._get(f"/my/units/{self.unit_own1.id}/certificate?download=true")
        self.assertEqual(certificate.status_code, 200)
        self.assertEqual(certificate.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", certificate.headers.get("Content-Disposition", ""))
        # Odoo renders the PDF's HTML in tests (no wkhtmltopdf): the unit's serial is in it
        self.assertIn("VIN-OLGA-1", certificate.text)

    def test_repair_page_and_act(self):
        self.authenticate("portal_olga", "portal_olga")
        page = self._get(f"/my/repairs/{self.repair_own.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Manufacturer Warranty", page.text)
        self.assertNotIn("o_warranty_portal_repair_act", page.text, "no repair act before the repair is done")
        not_done = self._get(f"/my/repairs/{self.repair_own.id}?report_type=pdf")
        self.assertNotEqual(not_done.headers["Content-Type"], "application/pdf")
        done = self._get(f"/my/repairs/{self.repair_done.id}")
        self.assertIn("o_warranty_portal_repair_act", done.text)
        act = self._get(f"/my/repairs/{self.repair_done.id}?report_type=pdf&download=true")
        self.assertEqual(act.headers["Content-Type"], "application/pdf")
        self.assertIn("TRL-OLGA-1", act.text)

    def test_other_owner_records_refused_by_id(self):
        self.authenticate("portal_olga", "portal_olga")
        for url in (
            f"/my/units/{self.unit_other.id}",
            f"/my/units/{self.unit_other.id}/certificate",
            f"/my/units/{self.unit_other.id}/certificate?download=true",
            f"/my/units/{self.unit_other.id}/complaint",
            f"/my/repairs/{self.repair_other.id}",
            f"/my/repairs/{self.repair_other.id}?report_type=pdf",
            f"/my/complaints/{self.complaint_other.id}",
            f"/web/content/{self.attachment_other.id}",
            f"/web/content/warranty.complaint/{self.complaint_other.id}/description",
            f"/report/pdf/warranty_service.report_warranty_certificate/{self.unit_other.id}",
            f"/report/html/warranty_service.report_warranty_certificate/{self.unit_other.id}",
        ):
            self._assert_refused(url, "VIN-IGOR-1" if "complaint" not in url else "Igor")
        # /web/image answers a refused image with Odoo's placeholder picture, never the photo itself
        image = self._get(f"/web/image/{self.attachment_other.id}")
        self.assertNotEqual(image.content, PNG)
        # Ids that do not exist are refused the same way
        self._assert_refused("/my/units/999999", "Traceback")
        self._assert_refused("/my/repairs/999999", "Traceback")
        self._assert_refused("/my/complaints/999999", "Traceback")

    def test_other_owner_records_refused_by_token(self):
        # Olga's own tokens do not open Igor's records, nor does a made-up one
        self.authenticate("portal_olga", "portal_olga")
        own_token = self.unit_own1.access_token
        for url in (
            f"/my/units/{self.unit_other.id}?access_token={own_token}",
            f"/my/units/{self.unit_other.id}/certificate?access_token={own_token}",
            f"/my/repairs/{self.repair_other.id}?access_token=wrong",
            f"/my/complaints/{self.complaint_other.id}?access_token={self.complaint_other.access_token[:-1]}x",
            f"/web/content/{self.attachment_other.id}?access_token={own_token}",
        ):
            self._assert_refused(url, "VIN-IGOR-1" if "complaint" not in url else "Igor")
        # Logged out, without a token: the login page, never the record
        self.logout()
        self._assert_refused(f"/my/units/{self.unit_other.id}", "VIN-IGOR-1")
        self._assert_refused(f"/my/complaints/{self.complaint_other.id}", "Igor's secret")

    def test_token_from_email_opens_that_record_only(self):
        # The link of an e-mail works without logging in, for that record
        page = self._get(f"/my/units/{self.unit_other.id}?access_token={self.unit_other.access_token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("VIN-IGOR-1", page.text)
        self.assertNotIn("o_warranty_portal_report_problem", page.text, "reporting a problem needs the owner's login")
        complaint = self._get(
            f"/my/complaints/{self.complaint_other.id}?access_token={self.complaint_other.access_token}"
        )
        self.assertIn("Igor&#39;s secret complaint", complaint.text)
        self.assertIn(f"/web/content/{self.attachment_other.id}?access_token=", complaint.text)
        self._assert_refused(f"/my/units/{self.unit_own1.id}?access_token={self.unit_other.access_token}", "VIN-OLGA")

    def test_report_a_problem(self):
        self.authenticate("portal_olga", "portal_olga")
        url = f"/my/units/{self.unit_own1.id}/complaint"
        form = self._get(url)
        self.assertEqual(form.status_code, 200)
        self.assertIn("Noise and vibration", form.text)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
        Complaint = self.env["warranty.complaint"]
        # Validation: too short, a category of nobody's, a file that is not a photo
        refused = self.url_open(url, data={"csrf_token": csrf, "description": "Bad", "category_id": "999999"},
                                files={"photos": ("notes.txt", b"plain text", "text/plain")})
        self.assertIn("Describe the problem in a few words (at least 10 characters).", refused.text)
        self.assertIn("Choose one of the proposed categories.", refused.text)
        self.assertIn("notes.txt is not a photo (JPEG, PNG...).", refused.text)
        self.assertFalse(Complaint.search([("partner_id", "=", self.owner.id)]))
        too_many = self.url_open(
            url, data={"csrf_token": csrf, "description": "Vibration at 90 km/h"},
            files=[("photos", (f"p{i}.png", PNG, "image/png")) for i in range(6)],
        )
        self.assertIn("Attach at most 5 photos.", too_many.text)
        self.assertIn("Vibration at 90 km/h", too_many.text, "what the owner wrote is kept")
        self.assertFalse(Complaint.search([("partner_id", "=", self.owner.id)]))
        sent = self.url_open(
            url, data={"csrf_token": csrf, "description": "Vibration at 90 km/h", "category_id": str(self.category.id)},
            files={"photos": ("wheel.png", PNG, "image/png")},
        )
        self.assertEqual(sent.status_code, 200)
        complaint = Complaint.search([("partner_id", "=", self.owner.id)])
        self.assertEqual(len(complaint), 1)
        self.assertIn(f"/my/complaints/{complaint.id}", sent.url)
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.registration_id, self.unit_own1)
        self.assertEqual(complaint.category_id, self.category)
        self.assertEqual(complaint.deadline_date, fields.Date.context_today(complaint) + timedelta(days=7))
        photo = self.env["ir.attachment"].search([("res_model", "=", complaint._name), ("res_id", "=", complaint.id)])
        self.assertEqual(photo.name, "wheel.png")
        self.assertEqual(photo.raw, PNG)
        self.assertIn("is registered", sent.text)
        # Another owner cannot report on Olga's unit
        self.authenticate("portal_igor", "portal_igor")
        igor_form = self._get(f"/my/units/{self.unit_other.id}/complaint")
        igor_csrf = re.search(r'name="csrf_token" value="([^"]+)"', igor_form.text).group(1)
        stolen = self.url_open(url, data={"csrf_token": igor_csrf, "description": "Igor writes on Olga's van"},
                               allow_redirects=False)
        self.assertIn(stolen.status_code, (302, 303))
        self.assertEqual(Complaint.search_count([("description", "ilike", "Igor writes")]), 0)
        # ... nor see Olga's photo
        self._assert_refused(f"/web/content/{photo.id}", "PNG")


    def test_report_a_problem_with_a_nul_character(self):
        """A NUL character in a posted field: the form's message, not a server error, and nothing created."""
        self.authenticate("portal_olga", "portal_olga")
        url = f"/my/units/{self.unit_own1.id}/complaint"
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', self._get(url).text).group(1)
        Complaint = self.env["warranty.complaint"]
        for data, files in (
            ({"description": "Vibration\x00 at 90 km/h", "category_id": str(self.category.id)}, None),
            ({"description": "Vibration at 90 km/h", "category_id": f"{self.category.id}\x00"}, None),
            ({"description": "Vibration at 90 km/h", "extra\x00": "x\x00"}, None),
            ({"description": "Vibration at 90 km/h"}, {"photos": ("wheel\x00.png", PNG, "image/png")}),
        ):
            refused = self.url_open(url, data={"csrf_token": csrf, **data}, files=files)
            self.assertEqual(refused.status_code, 200, data)
            self.assertIn("The form contains a character that is not text (NUL): remove it and send it again.",
                          refused.text)
            self.assertIn("Vibration", refused.text, "what the owner wrote is kept")
        self.assertFalse(Complaint.search([("partner_id", "=", self.owner.id)]))


@tagged("post_install", "-at_install")
class TestPortalQueries(PortalCommon):
    def _queries(self, url):
        self.url_open(url)  # warm the caches (routing, assets, templates)
        before = self.env.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.env.cr.sql_log_count - before

    def test_unit_list_queries_do_not_grow_with_units(self):
        self.authenticate("portal_olga", "portal_olga")
        few = self._queries("/my/units")
        self.assertGreater(few, 0, "the request's queries are counted")
        lots = self.env["stock.lot"].create([
            {"name": f"VIN-OLGA-MANY-{i}", "product_id": self.van.id} for i in range(10)
        ])
        self.env["warranty.registration"].create([
            {"lot_id": lot.id, "partner_id": self.owner.id} for lot in lots
        ])
        self.env["warranty.recall.line"].create([
            {"recall_id": self.recall.id, "lot_id": lot.id, "partner_id": self.owner.id} for lot in lots
        ])
        many = self._queries("/my/units")
        _logger.info("/my/units: %s queries for 2 units, %s for 12", few, many)
        self.assertLessEqual(many - few, 1, f"{few} queries for 2 units, {many} for 12")


@tagged("post_install", "-at_install")
class TestPortalTour(PortalCommon):
    def test_owner_reports_a_problem_and_reads_the_answer(self):
        self.start_tour("/my", "warranty_service_portal_owner_tour", login="portal_olga")
        complaint = self.env["warranty.complaint"].search([("partner_id", "=", self.owner.id)])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.registration_id, self.unit_own1)
        self.assertEqual(complaint.channel, "portal")
        photo = self.env["ir.attachment"].search([("res_model", "=", complaint._name), ("res_id", "=", complaint.id)])
        self.assertEqual(photo.mimetype, "image/png")
        # The workshop answers it (and opens a repair of the unit)
        workshop = new_test_user(self.env, login="portal_ws", groups="warranty_service.group_warranty_workshop")
        complaint = complaint.with_user(workshop)
        complaint.action_start()
        complaint.action_create_repair()
        complaint.answer = "We replaced the wheel bearing under warranty."
        complaint.action_answer()
        self.start_tour("/my", "warranty_service_portal_answer_tour", login="portal_olga")

import base64
import csv
import io
from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_claim_validation import ClaimValidationCommon


@tagged("post_install", "-at_install")
class TestClaimTypes(ClaimValidationCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls.env["res.partner"].create({"name": "Fast Freight Ltd", "is_company": True})
        cls.manufacturer.warranty_transport_letter_hours = 24

    def _done(self, lot, parts=True, **values):
        repair = self._repair(lot, **values)
        if parts:
            repair.write({
                "move_ids": [Command.create({"product_id": self.seal.id, "product_uom_qty": 1,
                                             "repair_line_type": "add"})],
                "labor_line_ids": [Command.create({"operation_id": self.operation_seal.id, "hours": 2.0})],
            })
            self._diagnose(repair)
        self._confirm(repair)
        repair.action_repair_start()
        with freeze_time("2026-06-02 10:00:00"):
            repair.action_repair_end()
        return repair

    def test_pre_delivery_inspection_at_the_model_flat_amount(self):
        repair = self._done(self.lot_unregistered, parts=False, warranty_claim_type="pdi")
        with self.assertRefused("Test Van has no PDI flat amount: set it on the product"):
            repair.with_user(self.user_workshop).action_create_warranty_claim()
        self.van.warranty_pdi_amount = 120.0
        claim = self._claim(repair)
        self.assertEqual((claim.claim_type, claim.manufacturer_id, claim.amount_claimed),
                         ("pdi", self.manufacturer, 120.0))
        self.assertEqual(claim.line_ids.name, "Pre-delivery inspection: Test Van")
        with freeze_time("2026-06-10"):
            claim.with_user(self.user_workshop).action_submit()
        self.assertEqual(claim.state, "submitted", "an inspection states no defect")

    def test_transport_damage_needs_photos_and_the_carrier_letter_in_time(self):
        self._rule("submission_deadline", "SUB")
        self._rule("required_attachments", "TDP", claim_type="transport_damage", attachment_count=2,
                   attachment_mimetype="image/")
        repair = self._done(
            self.lot_unregistered, warranty_claim_type="transport_damage", transport_carrier_id=self.carrier.id,
            transport_damage_date=datetime(2026, 6, 1, 8, 0), transport_letter_date=datetime(2026, 6, 2, 14, 0),
        )
        self.assertEqual(repair.warranty_coverage, "none", "not delivered, not registered")
        claim = self._claim(repair)
        self.assertEqual((claim.claim_type, claim.transport_carrier_id), ("transport_damage", self.carrier))
        self.assertEqual(sorted(claim.line_ids.mapped("line_type")), ["labor", "part"])
        with freeze_time("2026-06-10"):
            with self.assertRefused(
                r"- \[SUB\] Transport damage: the letter to the carrier went 30.0 h after the damage was found, "
                r"more than the 24 h Test Motors AG allows.\n- \[TDP\] 0 of the 2 required attachments \(image/\)"
            ):
                claim.with_user(self.user_workshop).action_submit()
            claim.with_user(self.user_workshop).transport_carrier_id = False
            self._validate(claim)
            self.assertIn(("SUB", "error", "Transport damage: name the carrier that delivered the damaged unit."),
                          self._findings(claim))
            claim.with_user(self.user_workshop).write({
                "transport_carrier_id": self.carrier.id, "transport_letter_date": datetime(2026, 6, 1, 17, 0),
            })
            self._attach(claim, "front.jpg", "image/jpeg")
            self._attach(claim, "side.jpg", "image/jpeg")
            claim.with_user(self.user_workshop).action_submit()
        self.assertEqual((claim.state, claim.validation_state), ("submitted", "ok"))
        with self.assertRefused("its type and previous claim cannot change any more"):
            claim.with_user(self.user_manager).transport_letter_date = datetime(2026, 6, 1, 9, 0)

    def test_claim_type_from_the_repair_and_rights(self):
        claim = self._claim(self._done(self.lot_covered, warranty_claim_type="parts_warranty"))
        self.assertEqual(claim.claim_type, "parts_warranty")
        warranty = self._claim(self._done(self.lot_extended))
        self.assertEqual(warranty.claim_type, "warranty")
        with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager prepares warranty claims"):
            warranty.with_user(self.user_accountant).transport_carrier_id = self.carrier

    def test_export_lists_the_attachments(self):
        claim = self._claim(self._done(self.lot_covered))
        photo = self._attach(claim, "leak.png")
        log = self._attach(claim, "diag.log", "text/plain")
        with freeze_time("2026-06-10"):
            claim.with_user(self.user_workshop).action_submit()
        wizard = self.env["warranty.claim.export"].with_user(self.user_workshop).with_context(
            active_model="warranty.claim", active_ids=claim.ids,
        ).create({"file_format": "csv"})
        wizard.action_export()
        rows = list(csv.DictReader(io.StringIO(base64.b64decode(wizard.data).decode())))
        self.assertEqual({(row["claim_type"], row["attachments"]) for row in rows},
                         {("warranty", f"{photo.id}:leak.png; {log.id}:diag.log")})
        wizard.file_format = "xml"
        wizard.action_export()
        root = etree.fromstring(base64.b64decode(wizard.data))
        self.assertEqual(root.find("claim").get("type"), "warranty")
        files = root.findall("claim/attachments/attachment")
        self.assertEqual([(node.get("name"), node.get("mimetype")) for node in files],
                         [("leak.png", "image/png"), ("diag.log", "text/plain")])

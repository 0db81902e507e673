import base64
import csv
import io
from datetime import date, datetime

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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
                r"more than the 24 h Test Motors AG allows.\n- \[TDP\] 0 of the 2 required attachments \(image/\) are "
                r"on the claim: attach the rest.$"
            ):
                claim.with_user(self.user_workshop).action_submit()
            claim.with_user(self.user_workshop).transport_carrier_id = False
            self._validate(claim)
            self.assertIn(("SUB", "error", "Transport damage: name the carrier that delivered the damaged unit."),
                          self._findings(claim))
            claim.with_user(self.user_workshop).write({"transport_carrier_id": self.carrier.id,
                                                       "transport_letter_date": False})
            self._validate(claim)
            self.assertEqual(self._findings(claim)[0], ("SUB", "error", (
                "Transport damage: enter when the damage was found and when the letter to the carrier went."
            )))
            claim.with_user(self.user_workshop).write({
                "transport_carrier_id": self.carrier.id, "transport_letter_date": datetime(2026, 6, 1, 17, 0),
            })
            self._attach(claim, "front.jpg", "image/jpeg")
            self._attach(claim, "side.jpg", "image/jpeg")
            claim.with_user(self.user_workshop).action_submit()
        self.assertEqual((claim.state, claim.validation_state), ("submitted", "ok"))
        with self.assertRefused("its type and previous claim cannot change any more"):
            claim.with_user(self.user_manager).transport_letter_date = datetime(2026, 6, 1, 9, 0)

    def test_special_claims_refused_with_their_reason(self):
        saw = self._create_lots(self.saw, "SAW-PDI-1")
        pdi = self._done(saw, parts=False, warranty_claim_type="pdi")
        with self.assertRefused(rf"^Repair {pdi.name} has no manufacturer to claim from: set it on the product.$"):
            pdi.with_user(self.user_workshop).action_create_warranty_claim()
        warranty = self._done(self.lot_covered)
        with self.assertRefused(
            rf"^Claim pre-delivery inspections and transport damage apart from warranty repairs \({pdi.name}\).$"
        ):
            (warranty | pdi).with_user(self.user_workshop).action_create_warranty_claim()
        self.van.warranty_pdi_amount = 120.0
        van_pdi = self._done(self.lot_unregistered, parts=False, warranty_claim_type="pdi")
        self._claim(van_pdi)
        with self.assertRefused(rf"^Repair {van_pdi.name} already has a warranty claim.$"):
            van_pdi.with_user(self.user_workshop).action_create_warranty_claim()

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


@tagged("post_install", "-at_install")
class TestGoodwillAndCampaignClaims(ClaimValidationCommon):
    """Goodwill and campaign claims as a warranty engineer makes them: from their repairs, through the manufacturer's
    default rules, submitted. The van's warranty ended on 2026-12-31: the manufacturer still pays its goodwill share
    and its recall campaigns, so the expired warranty (EW) does not refuse them; the other rules do apply."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engineer = new_test_user(
            cls.env, login="ws_engineer", name="Erik Engineer", groups="warranty_service.group_warranty_workshop",
        )
        cls.manufacturer.warranty_goodwill_authorization_required = True
        cls.manufacturer.with_user(cls.user_manager).action_create_warranty_validation_rules()
        campaign_defect = cls.env["warranty.defect.code"].create({"code": "RC-SEAL", "name": "Campaign: seal"})
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Rear seal replacement", "campaign_code": "RC-2026-01", "manufacturer_id": cls.manufacturer.id,
            "product_ids": [Command.set(cls.van.ids)], "operation_id": cls.operation_seal.id,
            "defect_code_id": campaign_defect.id,
            "part_ids": [Command.create({"product_id": cls.seal.id, "quantity": 1})],
        })
        cls.recall._add_lots(cls.lot_covered | cls.lot_extended)
        cls.recall.action_open()

    def _goodwill_job(self, repair, **values):
        repair.with_user(self.engineer).write({"job_ids": [Command.create({
            "complaint": "Oil leaks at the rear of the engine", "cause": "Crankshaft seal hardened",
            "correction": "Replaced the rear crankshaft seal", "pay_type": "goodwill",
            "goodwill_manufacturer_percent": 70, "goodwill_dealer_percent": 0, "goodwill_customer_percent": 30,
            "defect_code_ids": [Command.set(self.defect.ids)], "causal_part_id": self.seal.id,
            "labor_line_ids": [Command.create({"operation_id": self.operation_seal.id, "hours": 3.5})],
            "move_ids": [Command.create({"product_id": self.seal.id, "product_uom_qty": 1, "repair_line_type": "add"})],
            **values,
        })]})
        return repair.job_ids.filtered(lambda job: job.pay_type == "goodwill")

    def _finish(self, repair, done_on):
        self._confirm(repair)
        repair.with_user(self.engineer).action_repair_start()
        with freeze_time(done_on):
            repair.with_user(self.engineer).action_repair_end()
        self.assertEqual(repair.state, "done")

    def _expired_repair(self):
        repair = self._repair(self.lot_covered, when="2027-02-01 09:00:00", user=self.engineer)
        self.assertEqual(repair.warranty_coverage, "none", "the warranty expired on 2026-12-31")
        return repair

    def test_goodwill_claim_after_the_warranty(self):
        repair = self._expired_repair()
        job = self._goodwill_job(repair)
        with self.assertRefused("Test Motors AG authorizes its goodwill share: enter its goodwill authorization"):
            job.with_user(self.user_manager).action_approve_goodwill()
        job.with_user(self.engineer).goodwill_authorization = "GW-2027-15"
        job.with_user(self.user_manager).action_approve_goodwill()
        self._finish(repair, "2027-02-02 10:00:00")
        claim = self._claim(repair, user=self.engineer)
        self.assertEqual((claim.claim_type, claim.manufacturer_id), ("goodwill", self.manufacturer))
        # 70 % of: the seal at 25 + 10 %, 3.5 h at 50
        self.assertEqual(sorted((line.line_type, line.name, line.amount_claimed) for line in claim.line_ids), [
            ("labor", "[01-2310] Replace rear seal (goodwill, manufacturer 70.0 %)", 122.5),
            ("part", "Crankshaft seal (goodwill, manufacturer 70.0 %)", 19.25),
        ])
        with freeze_time("2027-03-05"):
            self._validate(claim, user=self.engineer)
            self.assertEqual(self._findings(claim), [
                ("SUB", "error", "Submitted too late: the deadline was 03/04/2027, 30 days after the repair of "
                                 "02/02/2027."),
                ("PNR", "error", "Crankshaft seal had to be back at the manufacturer by 03/04/2027 (30 days after "
                                 "the repair): the part is not returned within the time limit."),
                ("DOC", "warning", "0 of the 1 required attachments (any file) are on the claim: attach the rest."),
            ])
        with freeze_time("2027-02-10"):
            self._validate(claim, user=self.engineer)
            self.assertEqual(self._findings(claim), [
                ("DOC", "warning", "0 of the 1 required attachments (any file) are on the claim: attach the rest."),
            ], "no EW: the manufacturer grants its goodwill share after the warranty")
            self._attach(claim, "seal.jpg", "image/jpeg")
            claim.with_user(self.engineer).action_submit()
        self.assertEqual((claim.state, claim.validation_state, claim.submission_date),
                         ("submitted", "ok", date(2027, 2, 10)))

    def test_campaign_claim_after_the_warranty(self):
        repair = self._expired_repair()
        repair.with_user(self.engineer).action_add_campaign_work()
        self._finish(repair, "2027-02-01 16:00:00")
        claim = self._claim(repair, user=self.engineer)
        self.assertEqual((claim.claim_type, claim.recall_id), ("campaign", self.recall))
        self.assertEqual(claim.failure_cause, "Recall campaign RC-2026-01 (Rear seal replacement)")
        # A rule of campaign claims: the manufacturer wants the photo of the campaign label on the unit
        self._rule("required_attachments", "RCL", claim_type="campaign", attachment_name="label")
        with freeze_time("2027-02-10"):
            self._validate(claim, user=self.engineer)
            self.assertEqual(self._findings(claim), [
                ("RCL", "error", "0 of the 1 required attachments (label) are on the claim: attach the rest."),
                ("DOC", "warning", "0 of the 1 required attachments (any file) are on the claim: attach the rest."),
            ], "no EW: a recall campaign repairs the unit whatever its warranty; no TDP: no transport damage")
            with self.assertRefused(
                rf"^Claim {claim.name} cannot be submitted:\n- \[RCL\] 0 of the 1 required attachments \(label\) are "
                r"on the claim: attach the rest.$"
            ):
                claim.with_user(self.engineer).action_submit()
            self._attach(claim, "campaign-label.jpg", "image/jpeg")
            claim.with_user(self.engineer).action_submit()
        self.assertEqual((claim.state, claim.validation_state), ("submitted", "ok"))

    def test_campaign_claim_of_a_covered_unit(self):
        """Campaign work alone on a unit still under warranty is a campaign claim; with the customer's own fault
        on the same repair, a warranty claim (its unit's warranty is checked)."""
        campaign = self._repair(self.lot_extended, user=self.engineer)
        campaign.with_user(self.engineer).action_add_campaign_work()
        self._diagnose(campaign)
        self._finish(campaign, "2026-06-01 16:00:00")
        self.assertEqual(self._claim(campaign, user=self.engineer).claim_type, "campaign")
        both = self._repair(self.lot_covered, user=self.engineer)
        both.with_user(self.engineer).write({
            "labor_line_ids": [Command.create({"operation_id": self.operation_test.id})],
        })
        both.with_user(self.engineer).action_add_campaign_work()
        self._diagnose(both)
        self._finish(both, "2026-06-01 16:00:00")
        claim = self._claim(both, user=self.engineer)
        self.assertEqual((claim.claim_type, claim.recall_id), ("warranty", self.recall))
        claim.with_user(self.engineer).odometer_km = 120000
        self._validate(claim, user=self.engineer)
        self.assertIn(("EW", "error", "Not covered by the warranty: The unit has run 120000 km, over the warranty "
                                      "limit of 100000 km."), self._findings(claim))

    def test_campaign_and_goodwill_jobs_after_the_warranty(self):
        """One visit, a campaign job and a goodwill job: a claim of neither type alone, and nothing in it the
        unit's warranty pays, so its end does not refuse it."""
        repair = self._expired_repair()
        job = self._goodwill_job(repair, goodwill_authorization="GW-2027-16")
        job.with_user(self.user_manager).action_approve_goodwill()
        repair.with_user(self.engineer).action_add_campaign_work()
        self.assertEqual(sorted(repair.job_ids.mapped("pay_type")), ["campaign", "goodwill"])
        self._finish(repair, "2027-02-02 10:00:00")
        claim = self._claim(repair, user=self.engineer)
        self.assertEqual((claim.claim_type, claim.recall_id), ("warranty", self.recall))
        self._attach(claim, "seal.jpg", "image/jpeg")
        with freeze_time("2027-02-10"):
            self._validate(claim, user=self.engineer)
            self.assertEqual((claim.validation_state, self._findings(claim)), ("ok", []))
            claim.with_user(self.engineer).action_submit()
        self.assertEqual(claim.state, "submitted")

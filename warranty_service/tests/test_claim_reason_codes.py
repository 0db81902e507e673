import base64
import csv
import io

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_claim import ClaimCommon
from .test_month_end import MonthEndCommon


def decision_file(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["claim_number", "revision", "line_ref", "accepted_amount", "rejection_code",
                     "manufacturer_reference"])
    writer.writerows(rows)
    return base64.b64encode(buffer.getvalue().encode())


@tagged("post_install", "-at_install")
class TestClaimReasonCodes(ClaimCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Reason = cls.env["warranty.claim.reason.code"]
        cls.reason_hours, cls.reason_part = Reason.create([
            {"manufacturer_id": cls.manufacturer.id, "code": "ELH", "name": "Excessive labour hours",
             "category": "labour_time", "rule_kind": "labour_above_guide"},
            {"manufacturer_id": cls.manufacturer.id, "code": "PNR", "name": "Part not returned in time",
             "category": "parts", "rule_kind": "parts_return_deadline"},
        ])

    def _submitted_claim(self):
        claim = self._claim(self._done_repair())
        with freeze_time("2026-06-10"):
            claim.with_user(self.user_workshop).action_submit()
        return claim

    def _import(self, rows):
        wizard = self.env["warranty.claim.import"].with_user(self.user_accountant).create({
            "manufacturer_id": self.manufacturer.id, "data": decision_file(rows), "filename": "decision.csv",
        })
        wizard.action_preview()
        return wizard

    def test_decision_import_maps_the_codes(self):
        claim = self._submitted_claim()
        part, labour = claim.line_ids.sorted(lambda line: line.line_type != "part")
        wizard = self._import([
            [claim.name, "0", part.id, "0", "pnr", ""],
            [claim.name, "0", labour.id, "100", "ELH", ""],
        ])
        self.assertEqual(wizard.error_count, 0)
        wizard.action_apply()
        self.assertEqual(claim.state, "partially_accepted")
        self.assertEqual((part.reason_code_id, part.rejection_code), (self.reason_part, "pnr"))
        self.assertEqual((labour.reason_code_id, labour.decision), (self.reason_hours, "partial"))
        # The warranty manager's report: 55.00 + 75.00 lost, by reason and by technician
        Report = self.env["warranty.claim.loss.report"].with_user(self.user_manager)
        groups = Report._read_group(
            [("claim_id", "=", claim.id)], ["reason_code_id", "technician_id", "rule_kind"], ["amount_lost:sum"],
        )
        technician = claim.repair_id.labor_line_ids.user_id
        self.assertTrue(technician)
        self.assertEqual(sorted((reason.code, tech, kind, amount) for reason, tech, kind, amount in groups), [
            ("ELH", technician, "labour_above_guide", 75.0),
            ("PNR", technician, "parts_return_deadline", 55.0),
        ])
        with self.assertRaisesRegex(AccessError, "You are not allowed to access"):
            self.env["warranty.claim.loss.report"].with_user(self.user_workshop).search([])
        # Resubmitted: the next revision is not decided yet
        claim.with_user(self.user_workshop).action_resubmit()
        self.assertFalse(claim.line_ids.reason_code_id)

    def test_unknown_code_is_refused_with_its_row(self):
        claim = self._submitted_claim()
        part, labour = claim.line_ids.sorted(lambda line: line.line_type != "part")
        wizard = self._import([
            [claim.name, "0", part.id, "0", "XYZ", ""],
            [claim.name, "0", labour.id, "175", "", ""],
        ])
        self.assertEqual(wizard.row_ids.filtered(lambda row: row.status == "error").mapped("message"), [
            "Row 2: rejection code XYZ is not one of Test Motors AG's reason codes.",
        ])
        with self.assertRefused(r"The decision file has 1 row\(s\) in error: nothing was changed"):
            wizard.action_apply()
        self.assertEqual(claim.state, "submitted")

    def test_free_text_codes_without_a_list(self):
        """A manufacturer without reason codes keeps the free-text codes of the decision files."""
        self.env["warranty.claim.reason.code"].search([]).active = False
        claim = self._submitted_claim()
        part, labour = claim.line_ids.sorted(lambda line: line.line_type != "part")
        wizard = self._import([
            [claim.name, "0", part.id, "0", "R-OIL", ""], [claim.name, "0", labour.id, "175", "", ""],
        ])
        wizard.action_apply()
        self.assertEqual((part.rejection_code, part.reason_code_id.id), ("R-OIL", False))

    def test_reason_code_rights_and_manufacturer(self):
        claim = self._submitted_claim()
        part = claim.line_ids.filtered(lambda line: line.line_type == "part")
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager records the manufacturer's"):
            part.with_user(self.user_workshop).reason_code_id = self.reason_part
        other = self.env["warranty.claim.reason.code"].create({
            "manufacturer_id": self.env["res.partner"].create({"name": "Other Maker", "is_company": True}).id,
            "code": "EW", "name": "Expired warranty",
        })
        with self.assertRefused("reason code EW is Other Maker's, the claim was made to Test Motors AG"):
            part.with_user(self.user_accountant).write({"reason_code_id": other.id, "decision": "rejected"})
        part.with_user(self.user_accountant).write({"reason_code_id": self.reason_part.id, "decision": "rejected"})
        self.assertEqual((part.rejection_code, part.amount_accepted), ("PNR", 0.0))
        with self.assertRaisesRegex(AccessError, "You are not allowed to create"):
            self.env["warranty.claim.reason.code"].with_user(self.user_accountant).create({
                "manufacturer_id": self.manufacturer.id, "code": "SUB", "name": "Late",
            })
        with self.assertRefused("A reason code must be unique per manufacturer"):
            self.env["warranty.claim.reason.code"].create({
                "manufacturer_id": self.manufacturer.id, "code": "PNR", "name": "Again",
            })


@tagged("post_install", "-at_install")
class TestChargebackReasonCodes(MonthEndCommon):

    def test_chargeback_lines_by_reason_code(self):
        reason = self.env["warranty.claim.reason.code"].create({
            "manufacturer_id": self.manufacturer.id, "code": "DOC", "name": "Photos missing",
            "category": "documentation", "rule_kind": "required_attachments",
        })
        claims = self._claims([361.50, 162.50])
        self._remittance([(claims[0], 361.50), (claims[1], 162.50)], 524.0).action_apply()
        chargeback = self.env["warranty.claim.chargeback"].with_user(self.user_accountant).create({
            "name": "AUD-25", "manufacturer_id": self.manufacturer.id, "date": "2026-11-18", "reason": "labour_time",
            "line_ids": [
                Command.create({"claim_id": claims[0].id, "amount": 100.0, "reason_code_id": reason.id}),
                Command.create({"claim_id": claims[1].id, "amount": 62.5}),
            ],
        })
        Report = self.env["warranty.claim.loss.report"].with_user(self.user_manager)
        self.assertFalse(Report.search([("chargeback_id", "=", chargeback.id)]), "a draft chargeback took nothing")
        chargeback.action_post()
        groups = Report._read_group(
            [("chargeback_id", "=", chargeback.id)], ["reason_code_id", "category"], ["amount_charged_back:sum"],
        )
        self.assertEqual(sorted(groups, key=lambda group: group[2]), [
            (self.env["warranty.claim.reason.code"], "labour_time", 62.5),
            (reason, "documentation", 100.0),
        ])
        other = self.env["warranty.claim.reason.code"].create({
            "manufacturer_id": self.env["res.partner"].create({"name": "Other Maker", "is_company": True}).id,
            "code": "DOC", "name": "Photos",
        })
        with self.assertRefused("Reason code DOC is Other Maker's, the chargeback is Test Motors AG's"):
            self.env["warranty.claim.chargeback"].with_user(self.user_accountant).create({
                "name": "AUD-26", "manufacturer_id": self.manufacturer.id, "reason": "other",
                "line_ids": [Command.create({"claim_id": claims[1].id, "amount": 1.0, "reason_code_id": other.id})],
            })

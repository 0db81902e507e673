import base64
import csv
import io

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .test_claim import ClaimCommon


@tagged("post_install", "-at_install")
class TestClaimExchange(ClaimCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_maker = cls.env["res.partner"].create({"name": "Other Maker", "is_company": True})

    def _submitted_claim(self):
        claim = self._claim(self._done_repair())
        with freeze_time("2026-06-10"):
            claim.action_submit()
        return claim

    def _export(self, claims, file_format):
        wizard = self.env["warranty.claim.export"].with_user(self.user_workshop).with_context(
            active_model="warranty.claim", active_ids=claims.ids,
        ).create({"file_format": file_format})
        self.assertEqual(wizard.manufacturer_id, self.manufacturer)
        wizard.action_export()
        return base64.b64decode(wizard.data), wizard.filename

    def _import(self, rows, manufacturer=None, header=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header or ["claim_number", "revision", "line_ref", "accepted_amount", "rejection_code",
                                   "manufacturer_reference"])
        writer.writerows(rows)
        return self.env["warranty.claim.import"].with_user(self.user_accountant).create({
            "manufacturer_id": (manufacturer or self.manufacturer).id,
            "data": base64.b64encode(buffer.getvalue().encode()),
            "filename": "decision.csv",
        })

    def test_export_csv_and_xml(self):
        claims = self._submitted_claim() | self._submitted_claim()
        content, filename = self._export(claims, "csv")
        self.assertTrue(filename.endswith(".csv"))
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
        self.assertEqual(len(rows), 4, "two lines per claim")
        self.assertEqual({row["claim_number"] for row in rows}, set(claims.mapped("name")))
        part = next(row for row in rows if row["line_type"] == "part")
        self.assertEqual((part["serial"], part["quantity"], part["amount_claimed"]), ("VIN-REP-1", "2.0", "55.0"))
        self.assertEqual(part["defect_codes"], "T-E101")

        content, filename = self._export(claims, "xml")
        root = etree.fromstring(content)
        self.assertEqual(root.tag, "warranty_claims")
        self.assertEqual(len(root.findall("claim")), 2)
        self.assertEqual(len(root.findall("claim/lines/line")), 4)
        self.assertEqual(root.find("claim/unit").get("serial"), "VIN-REP-1")

    def test_export_refuses_drafts(self):
        draft = self._claim(self._done_repair())
        with self.assertRefused("is not submitted: only submitted claims are exported"):
            self._export(draft, "csv")

    def test_import_round_trip(self):
        full = self._submitted_claim()
        short = self._submitted_claim()
        lost = self._submitted_claim()
        content, _name = self._export(full | short | lost, "csv")
        decision = []
        for row in csv.DictReader(io.StringIO(content.decode())):
            accepted = row["amount_claimed"]
            code = ""
            if row["claim_number"] == short.name and row["line_type"] == "labor":
                accepted, code = "150.0", "R-HRS"
            if row["claim_number"] == lost.name:
                accepted, code = "0", "R-OIL"
            decision.append(
                [row["claim_number"], row["revision"], row["line_ref"], accepted, code, "MFR-" + row["claim_number"]]
            )
        wizard = self._import(decision)
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 0)
        self.assertEqual(len(wizard.row_ids), 6)
        wizard.action_apply()
        self.assertEqual(full.state, "accepted")
        self.assertEqual(full.manufacturer_reference, "MFR-" + full.name)
        self.assertEqual(short.state, "partially_accepted")
        self.assertEqual(short.amount_accepted, 205.0)
        self.assertEqual(lost.state, "rejected")
        self.assertIn("R-OIL", lost.rejection_reason)

    def test_preview_costs_no_query_per_row(self):
        claims = [self._submitted_claim() for _i in range(7)]

        def preview(some):
            wizard = self._import([
                [claim.name, claim.revision, line.id, line.amount_claimed, "", ""]
                for claim in some for line in claim.line_ids
            ])
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            wizard.action_preview()
            self.env.flush_all()
            self.assertEqual(set(wizard.row_ids.mapped("status")), {"ok"})
            return self.cr.sql_log_count - before, len(wizard.row_ids)

        # A decision file of 10,000 lines read each claim line on its own: 10,000 queries (issue 26)
        preview(claims[:1])  # warm-up: access rights, the manufacturer's reason codes
        queries_one, rows_one = preview(claims[:1])
        queries_six, rows_six = preview(claims[1:])
        self.assertEqual((rows_one, rows_six), (2, 12))
        # The same queries whatever the rows, give or take a cache (10 more rows cost 10 more queries before)
        self.assertLessEqual(queries_six - queries_one, 2, f"2 rows: {queries_one} queries, 12 rows: {queries_six}")

    def test_import_with_a_bad_row_changes_nothing(self):
        claim = self._submitted_claim()
        other = self._submitted_claim()
        part, labour = claim.line_ids.sorted(lambda line: line.line_type != "part")
        other_part, other_labour = other.line_ids.sorted(lambda line: line.line_type != "part")
        wizard = self._import([
            [claim.name, "0", part.id, "55", "", ""],
            [claim.name, "0", labour.id, "999", "", ""],          # above what was claimed
            [other.name, "0", other_part.id, "55", "", ""],
            [other.name, "0", other_part.id, "55", "", ""],       # the same line twice
            [other.name, "0", other_labour.id, "abc", "", ""],    # not a number
            ["XX-00001", "0", "1", "10", "", ""],                 # unknown claim
        ])
        wizard.action_preview()
        messages = wizard.row_ids.filtered(lambda r: r.status == "error").mapped("message")
        # the row that is not a number leaves its line without a decision: reported too
        self.assertEqual(wizard.error_count, 5)
        self.assertTrue(any("999.0 accepted on line" in m for m in messages))
        self.assertTrue(any("is decided twice in the file" in m for m in messages))
        self.assertTrue(any('"abc" in column accepted_amount is not an amount' in m for m in messages))
        self.assertTrue(any("Unknown claim XX-00001" in m for m in messages))
        self.assertTrue(any("has no decision in the file" in m for m in messages))
        with self.assertRefused(r"The decision file has 5 row\(s\) in error: nothing was changed"):
            wizard.action_apply()
        self.assertEqual((claim.state, other.state), ("submitted", "submitted"))
        self.assertFalse(any(claim.line_ids.mapped("amount_accepted")))

    def test_import_refuses_another_manufacturer_and_malformed_files(self):
        claim = self._submitted_claim()
        rows = [[claim.name, "0", line.id, line.amount_claimed, "", ""] for line in claim.line_ids]
        wizard = self._import(rows, manufacturer=self.other_maker)
        wizard.action_preview()
        self.assertIn("was made to Test Motors AG, not to Other Maker", wizard.row_ids[0].message)
        with self.assertRefused("lacks the column\\(s\\) accepted_amount"):
            self._import(rows, header=["claim_number", "revision", "line_ref", "amount", "rejection_code",
                                       "manufacturer_reference"]).action_preview()
        missing_line = self._import(rows[:1])
        missing_line.action_preview()
        self.assertTrue(any("has no decision in the file" in (m or "") for m in missing_line.row_ids.mapped("message")))

    def test_returned_parts_shipped_or_scrapped(self):
        shipped = self._submitted_claim()
        kept = self._submitted_claim()
        returns = self.warehouse._get_warranty_returns_location()
        self.assertEqual(self.seal.with_context(location=returns.id).qty_available, 4)
        shipped.with_user(self.user_workshop).action_ship_returned_parts()
        shipment = shipped.manufacturer_return_picking_id
        self.assertEqual((shipment.partner_id, shipment.origin), (self.manufacturer, shipped.name))
        shipment.move_ids.picked = True
        shipment.button_validate()
        self.assertEqual(shipped.line_ids.filtered("return_required").return_state, "shipped")
        part_line = kept.line_ids.filtered("return_required")
        with freeze_time("2026-07-01"):
            with self.assertRefused("None of these parts is kept past its retention period"):
                part_line.action_scrap_expired_parts()
        with freeze_time("2026-10-01"):  # 90 days of retention after 2026-06-10
            (part_line | shipped.line_ids).with_user(self.user_workshop).action_scrap_expired_parts()
        self.assertEqual(part_line.return_state, "scrapped")
        self.assertEqual(self.seal.with_context(location=returns.id).qty_available, 0)

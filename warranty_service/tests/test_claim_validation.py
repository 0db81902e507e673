import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_claim import ClaimCommon

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)


class ClaimValidationCommon(ClaimCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["warranty.claim.validation.rule"]

    def _rule(self, kind, code, severity="error", **values):
        return self.Rule.create({
            "manufacturer_id": self.manufacturer.id, "kind": kind, "code": code, "name": code,
            "severity": severity, **values,
        })

    def _validate(self, claims, user=None):
        return claims.with_user(user or self.user_workshop).action_validate_claims()

    def _findings(self, claim):
        """The findings as the claim's form lists them: errors first, in the order of the rules."""
        results = claim.validation_result_ids.sorted(lambda result: (result.severity, result.id))
        return [(result.code, result.severity, result.message) for result in results]

    def _attach(self, claim, name, mimetype="image/png"):
        return self.env["ir.attachment"].create({
            "name": name, "res_model": "warranty.claim", "res_id": claim.id, "datas": PNG, "mimetype": mimetype,
        })


@tagged("post_install", "-at_install")
class TestClaimValidationRules(ClaimValidationCommon):

    def test_without_rules_a_claim_passes(self):
        claim = self._claim(self._done_repair())
        self.assertEqual(claim.claim_type, "warranty")
        action = self._validate(claim)
        self.assertEqual(action["params"]["message"], "1 claims validated: 1 passed, 0 with warnings, 0 with errors.")
        self.assertEqual((claim.validation_state, claim.validation_result_ids.ids), ("ok", []))
        self.assertTrue(claim.validation_date)

    def test_default_rules_by_the_manager(self):
        with self.assertRaisesRegex(AccessError, "Only a Warranty Manager sets up the manufacturers' claim rules"):
            self.manufacturer.with_user(self.user_workshop).action_create_warranty_validation_rules()
        action = self.manufacturer.with_user(self.user_manager).action_create_warranty_validation_rules()
        rules = self.Rule.search(action["domain"])
        self.assertEqual(sorted(rules.mapped("code")), ["DOC", "DUP", "ELH", "EW", "PNR", "SUB", "TDP", "UPR"])
        self.assertEqual(rules.filtered(lambda rule: rule.code == "DUP").days, 30)
        # Twice: the codes already there are kept, none is added
        self.manufacturer.with_user(self.user_manager).action_create_warranty_validation_rules()
        self.assertEqual(self.Rule.search_count([("manufacturer_id", "=", self.manufacturer.id)]), 8)
        with self.assertRaisesRegex(AccessError, "You are not allowed to create"):
            self.Rule.with_user(self.user_workshop).create({
                "manufacturer_id": self.manufacturer.id, "kind": "duplicate_claim", "code": "X", "name": "X",
                "days": 3,
            })

    def test_rule_parameters_checked(self):
        with self.assertRefused("Rule DUP of Test Motors AG needs its number of days"):
            self._rule("duplicate_claim", "DUP")
        with self.assertRefused("needs the number of attachments required"):
            self._rule("required_attachments", "DOC", attachment_count=0)
        self._rule("duplicate_claim", "DUP", days=10)
        with self.assertRefused("A rule code must be unique per manufacturer"):
            self._rule("duplicate_claim", "DUP", days=20)

    def test_submission_deadline(self):
        self._rule("submission_deadline", "SUB")
        claim = self._claim(self._done_repair())  # repaired 2026-06-02: due 2026-07-02
        with freeze_time("2026-07-02"):
            self._validate(claim)
            self.assertEqual(claim.validation_state, "ok")
        with freeze_time("2026-07-03"):
            self._validate(claim)
            self.assertEqual(self._findings(claim), [("SUB", "error", (
                "Submitted too late: the deadline was 07/02/2026, 30 days after the repair of 06/02/2026."
            ))])
            with self.assertRefused(r"Claim TM-WC-\d+ cannot be submitted:\n- \[SUB\] Submitted too late"):
                claim.with_user(self.user_manager).action_submit()
            # A Warranty Manager lets it go out late, with the reason: a warning only
            claim.with_user(self.user_manager).late_reason = "Parts arrived late from the supplier"
            claim.with_user(self.user_manager).action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(self._findings(claim), [("SUB", "warning", (
            "Submitted too late: the deadline was 07/02/2026, 30 days after the repair of 06/02/2026. "
            "Late submission reason: Parts arrived late from the supplier"
        ))])

    def test_parts_return_deadline(self):
        self._rule("parts_return_deadline", "PNR", days=20)
        claim = self._claim(self._done_repair())
        with freeze_time("2026-06-22"):
            self._validate(claim)
            self.assertEqual(claim.validation_state, "ok")
        with freeze_time("2026-06-23"):
            self._validate(claim)
        part = claim.line_ids.filtered("return_required")
        self.assertEqual(self._findings(claim), [("PNR", "error", (
            "Crankshaft seal had to be back at the manufacturer by 06/22/2026 (20 days after the repair): the part "
            "is not returned within the time limit."
        ))])
        self.assertEqual(claim.validation_result_ids.line_id, part)
        # A part with its own serial goes back tagged with it
        turbo = self.env["product.product"].create({"name": "Turbocharger", "type": "consu", "tracking": "serial"})
        line = self.env["warranty.claim.line"].with_user(self.user_workshop).create({
            "claim_id": claim.id, "line_type": "part", "product_id": turbo.id, "name": "Turbocharger",
            "quantity": 1, "price_unit": 300.0, "return_required": True,
        })
        with freeze_time("2026-06-10"):
            self._validate(claim)
            self.assertEqual(self._findings(claim), [("PNR", "error", (
                "Turbocharger must go back to the manufacturer: enter the defective part's own serial (Part Tag / "
                "Serial) on its line."
            ))])
            self.assertEqual(claim.validation_result_ids.line_id, line)
            line.with_user(self.user_workshop).returned_lot_id = self._create_lots(turbo, "TURBO-0042")
            self._validate(claim)
            self.assertEqual(claim.validation_state, "ok")

    def test_labour_above_the_guide(self):
        self._rule("labour_above_guide", "ELH")
        claim = self._claim(self._done_repair(hours=4.0))
        labour = claim.line_ids.filtered(lambda line: line.line_type == "labor")
        self._validate(claim)
        self.assertEqual(claim.validation_state, "ok", "3.5 h claimed, the standard time")
        labour.with_user(self.user_workshop).write({"quantity": 4.0, "hours_override_reason": "Seized bolts"})
        self._validate(claim)
        self.assertEqual(self._findings(claim), [(
            "ELH", "warning",
            "[01-2310] Replace rear seal: 4.0 h claimed above the guide's 3.5 h (reason: Seized bolts).",
        )])
        # A line saved before its guide required a reason (the line's constraint refuses it since)
        self.env.flush_all()
        self.env.cr.execute("UPDATE warranty_claim_line SET hours_override_reason = NULL WHERE id = %s", [labour.id])
        labour.invalidate_recordset(["hours_override_reason"])
        self._validate(claim)
        self.assertEqual(self._findings(claim), [(
            "ELH", "error",
            "[01-2310] Replace rear seal: 4.0 h claimed above the guide's 3.5 h: enter why (Hours Over Standard).",
        )])

    def test_coverage_expired(self):
        self._rule("coverage_expired", "EW")
        claim = self._claim(self._done_repair())
        self._validate(claim)
        self.assertEqual(claim.validation_state, "ok")
        claim.with_user(self.user_workshop).odometer_km = 120000
        self._validate(claim)
        self.assertEqual(self._findings(claim), [(
            "EW", "error", "Not covered by the warranty: The unit has run 120000 km, over the warranty limit of "
            "100000 km.",
        )])
        claim.with_user(self.user_workshop).write({"odometer_km": 10000, "failure_date": "2027-02-01"})
        self._validate(claim)
        self.assertEqual(self._findings(claim), [
            ("EW", "error", "Not covered by the warranty: The warranty expired on 12/31/2026."),
        ])
        # A claim a Warranty Manager wrote by hand for a unit that was never registered
        unregistered = self.env["warranty.claim"].with_user(self.user_manager).create({
            "manufacturer_id": self.manufacturer.id, "lot_id": self.lot_unregistered.id, "repair_date": "2026-06-02",
        })
        self._validate(unregistered)
        self.assertEqual(self._findings(unregistered), [
            ("EW", "error", "Not covered by the warranty: Unit VIN-REP-3 has no warranty registration."),
        ])
        # A campaign claim does not need the unit's warranty
        claim.with_user(self.user_workshop).claim_type = "campaign"
        self._validate(claim)
        self.assertEqual(claim.validation_state, "ok")

    def test_required_attachments(self):
        self._rule("required_attachments", "PHO", attachment_count=2, attachment_mimetype="image/")
        self._rule("required_attachments", "PDI", claim_type="pdi", attachment_count=1)
        claim = self._claim(self._done_repair())
        self._attach(claim, "leak.png")
        self._attach(claim, "notes.txt", mimetype="text/plain")
        self._validate(claim)
        self.assertEqual(self._findings(claim), [(
            "PHO", "error", "1 of the 2 required attachments (image/) are on the claim: attach the rest.",
        )], "the rule of PDI claims does not apply to a warranty claim; a text file is no photo")
        self._attach(claim, "seal.png")
        self._validate(claim)
        self.assertEqual(claim.validation_state, "ok")

    def test_duplicate_claim(self):
        self._rule("duplicate_claim", "DUP", days=30)
        first = self._claim(self._done_repair(when="2026-06-01 09:00:00", done_on="2026-06-02 10:00:00"))
        second = self._claim(self._done_repair(when="2026-06-20 09:00:00", done_on="2026-06-21 10:00:00"))
        later = self._claim(self._done_repair(when="2026-08-20 09:00:00", done_on="2026-08-21 10:00:00"))
        self._validate(first | second | later)
        self.assertEqual(self._findings(first), [(
            "DUP", "error", f"Duplicate: {second.name} claim the same unit and defect within 30 days.",
        )])
        self.assertEqual(self._findings(second)[0][2], f"Duplicate: {first.name} claim the same unit and defect "
                         "within 30 days.")
        self.assertEqual(later.validation_state, "ok", "52 days later: outside the window")
        second.with_user(self.user_workshop).action_cancel()
        self._validate(first)
        self.assertEqual(first.validation_state, "ok", "a cancelled claim is no duplicate")

    def test_unrelated_previous_repair(self):
        self._rule("unrelated_previous_repair", "UPR", days=365)
        earlier = self._claim(self._done_repair(when="2026-03-01 09:00:00", done_on="2026-03-02 10:00:00"))
        claim = self._claim(self._done_repair())
        claim.with_user(self.user_workshop).claim_type = "parts_warranty"
        self._validate(claim)
        self.assertEqual(self._findings(claim), [(
            "UPR", "error", "A parts warranty claim names the previous claim whose part failed again (Previous Claim).",
        )])
        claim.with_user(self.user_workshop).previous_claim_id = earlier
        self._validate(claim)
        self.assertEqual(claim.validation_state, "ok")
        other_part = self.env["product.product"].create({"name": "Gasket", "type": "consu"})
        claim.with_user(self.user_workshop).causal_part_id = other_part
        self._validate(claim)
        self.assertEqual(self._findings(claim), [(
            "UPR", "error", f"Unrelated to the previous repair: claim {earlier.name} it did not fit Gasket.",
        )])
        claim.with_user(self.user_workshop).causal_part_id = self.seal
        elsewhere = self._claim(self._done_repair(
            lot=self.lot_extended, when="2025-05-01 09:00:00", done_on="2025-05-02 10:00:00",
        ))
        claim.with_user(self.user_workshop).previous_claim_id = elsewhere
        self._validate(claim)
        self.assertEqual(self._findings(claim), [(
            "UPR", "error", f"Unrelated to the previous repair: claim {elsewhere.name} it is for another unit, it is "
            "more than 365 days old.",
        )])

    def test_default_rules_findings(self):
        """The manufacturer's default set as a Warranty Manager creates it: each rule with its own severity."""
        self.manufacturer.with_user(self.user_manager).action_create_warranty_validation_rules()
        earlier = self._claim(self._done_repair(lot=self.lot_extended, when="2026-03-01 09:00:00",
                                                done_on="2026-03-02 10:00:00"))
        claim = self._claim(self._done_repair())
        duplicate = self._claim(self._done_repair(when="2026-06-20 09:00:00", done_on="2026-06-21 10:00:00"))
        claim.with_user(self.user_workshop).write({
            "claim_type": "parts_warranty", "previous_claim_id": earlier.id, "odometer_km": 120000,
        })
        with freeze_time("2026-07-10"):
            self._validate(claim)
        self.assertEqual(self._findings(claim), [
            ("SUB", "error", "Submitted too late: the deadline was 07/02/2026, 30 days after the repair of "
                             "06/02/2026."),
            ("PNR", "error", "Crankshaft seal had to be back at the manufacturer by 07/02/2026 (30 days after the "
                             "repair): the part is not returned within the time limit."),
            ("EW", "error", "Not covered by the warranty: The unit has run 120000 km, over the warranty limit of "
                            "100000 km."),
            ("DUP", "error", f"Duplicate: {duplicate.name} claim the same unit and defect within 30 days."),
            ("DOC", "warning", "0 of the 1 required attachments (any file) are on the claim: attach the rest."),
            ("UPR", "warning", f"Unrelated to the previous repair: claim {earlier.name} it is for another unit."),
        ], "no ELH (the guide's hours), no TDP (no transport damage)")


@tagged("post_install", "-at_install")
class TestClaimValidationBatch(ClaimValidationCommon):

    def test_rights_and_bad_input(self):
        claim = self._claim(self._done_repair())
        for user in (self.user_parts, self.user_accountant):
            with self.assertRaisesRegex(AccessError, "Only the workshop or a Warranty Manager validates"):
                self._validate(claim, user=user)
        with self.assertRaisesRegex(AccessError, "written by Validate, not by hand"):
            claim.with_user(self.user_workshop).write({"validation_state": "ok"})
        with self.assertRaisesRegex(AccessError, "written by Validate, not by hand"):
            claim.with_user(self.user_manager).write({"validation_result_ids": [Command.create({
                "code": "X", "severity": "warning", "message": "fake",
            })]})
        with self.assertRaisesRegex(AccessError, "You are not allowed to create"):
            self.env["warranty.claim.validation.result"].with_user(self.user_workshop).create({
                "claim_id": claim.id, "code": "X", "severity": "warning", "message": "fake",
            })
        with self.assertRefused("Select the claims to validate"):
            self._validate(self.env["warranty.claim"])
        with freeze_time("2026-06-10"):
            claim.with_user(self.user_workshop).action_submit()
        with self.assertRefused(r"Claim TM-WC-\d+ is not a draft: only claims still to submit are validated"):
            self._validate(claim)
        with self.assertRefused("its type and previous claim cannot change any more"):
            claim.with_user(self.user_manager).claim_type = "goodwill"

    def test_errors_block_warnings_do_not(self):
        self._rule("submission_deadline", "SUB", severity="warning")
        self._rule("required_attachments", "PHO", attachment_count=1)
        late = self._claim(self._done_repair())
        good = self._claim(self._done_repair(lot=self.lot_extended, done_on="2026-07-01 10:00:00"))
        self._attach(good, "photo.png")
        with freeze_time("2026-07-10"):
            action = self._validate(late | good)
            self.assertEqual(action["params"]["message"],
                             "2 claims validated: 1 passed, 0 with warnings, 1 with errors.")
            with self.assertRefused(
                rf"^Claim {late.name} cannot be submitted:\n- \[PHO\] 0 of the 1 required attachments \(any file\)"
            ):
                (late | good).with_user(self.user_manager).action_submit()
            self.assertEqual(good.state, "draft", "all or nothing")
            self._attach(late, "photo.png")
            late.with_user(self.user_manager).late_reason = "Waited for the customer's approval"
            (late | good).with_user(self.user_manager).action_submit()
        self.assertEqual(set((late | good).mapped("state")), {"submitted"})
        self.assertEqual(late.validation_state, "warning")
        self.assertEqual(good.validation_state, "ok")

    def test_refusal_lists_ten_claims_and_counts_the_rest(self):
        self._rule("required_attachments", "PHO", attachment_count=1)
        claims = self.env["warranty.claim"].with_user(self.user_manager).create([{
            "manufacturer_id": self.manufacturer.id, "repair_date": "2026-11-19",
            "line_ids": [Command.create({"line_type": "other", "name": f"Repair {i}", "price_unit": 100.0})],
        } for i in range(11)])
        action = self._validate(claims)
        self.assertEqual(action["params"]["message"], "11 claims validated: 0 passed, 0 with warnings, 11 with errors.")
        self.assertEqual(action["params"]["type"], "danger")
        with self.assertRefused(
            rf"^Claim {claims[0].name} cannot be submitted:\n- \[PHO\] 0 of the 1 required attachments \(any file\) "
            r"are on the claim: attach the rest.\n\n(Claim .*\n.*\n\n){9}\.\.\. and 1 more claims with errors\.$"
        ):
            claims.with_user(self.user_workshop).action_submit()
        self.assertEqual(set(claims.mapped("state")), {"draft"})

    def test_findings_replaced_at_each_validation(self):
        self._rule("required_attachments", "PHO", attachment_count=1)
        claim = self._claim(self._done_repair())
        self._validate(claim)
        self._validate(claim)
        self.assertEqual(len(claim.validation_result_ids), 1)
        self._attach(claim, "photo.png")
        self._validate(claim)
        self.assertFalse(claim.validation_result_ids)

    def test_batch_validation_budget(self):
        """Validating claims with every rule costs a few queries for the batch, not per claim: 28 for 20 claims
        (`make bench` measures 1,000 claims, target <= 20 queries per claim)."""
        self.manufacturer.with_user(self.user_manager).action_create_warranty_validation_rules()
        self.env["stock.quant"]._update_available_quantity(self.seal, self.stock_location, 100)
        repairs = self._done_repairs(25, "VIN-VAL")
        repairs.action_create_warranty_claim()
        claims = repairs.claim_ids
        self.assertEqual(len(claims), 25)
        self._validate(claims[:1])  # warm-up: the rules' caches

        def queries(records):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.env["warranty.claim"].with_user(self.user_workshop).browse(records.ids).action_validate_claims()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        five, twenty = queries(claims[:5]), queries(claims[5:])
        self.assertLessEqual(twenty, 20 * 20)
        self.assertLessEqual(twenty - five, 15, f"5 claims: {five} queries, 20 claims: {twenty}")
        with self.assertQueryCount(__system__=28):
            self.env.invalidate_all()
            self.env["warranty.claim"].browse(claims[5:].ids).action_validate_claims()
            self.env.flush_all()
        self.assertEqual(set(claims.mapped("validation_state")), {"warning"}, "no photos attached: DOC warns")
        self.assertEqual(claims[0].validation_date.date(), date(2026, 11, 20))

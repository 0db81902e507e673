"""Issue 26: large remittances and decision files are booked in the background, in committed chunks.

The threshold and the chunk are set low here (5 and 3 rows) so that a file of a few claims takes the background
path. The cron's server action is run as the cron runs it: one chunk per call, with a progress record in the
context (``ir.cron._add_progress``), whose ``done`` / ``remaining`` the chunk reports.
"""
import base64
import csv
import io
from unittest.mock import patch

from psycopg2 import errors as pg_errors

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.warranty_service.wizard.warranty_remittance_import import WarrantyRemittanceImport

from .test_month_end import MonthEndCommon

REMITTANCE_CRON = "warranty_service.ir_cron_warranty_remittance_import"
DECISION_CRON = "warranty_service.ir_cron_warranty_claim_import"


@tagged("post_install", "-at_install")
class TestImportBackground(MonthEndCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ICP = cls.env["ir.config_parameter"]
        ICP.set_param("warranty_service.import_background_rows", "5")
        ICP.set_param("warranty_service.import_chunk_rows", "3")
        cls.colleague = new_test_user(cls.env, login="ws_accountant_bg", name="Cleo Colleague",
                                      groups="warranty_service.group_warranty_accountant")

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _large_remittance(self, reference="REM-BG"):
        """8 claims; one paid short within the tolerance (0.50), one paid 30.00 of its 60.00."""
        amounts = [100.0, 80.0, 120.5, 99.99, 45.10, 60.0, 70.0, 33.33]
        claims = self._claims(amounts)
        paid = dict(zip(claims, amounts, strict=True))
        paid[claims[2]] = 120.0
        paid[claims[5]] = 30.0
        rows = list(paid.items())
        received = round(sum(paid.values()), 2)
        return claims, rows, received, self._remittance(rows, received, reference=reference)

    def _run_cron(self, xmlid=REMITTANCE_CRON, model="warranty.remittance.import"):
        """One run of the cron's server action, as ir.cron._run_job does it: (done, remaining) it reported."""
        cron = self.env.ref(xmlid)
        __, progress = cron._add_progress()
        self.env[model].with_context(ir_cron_progress_id=progress.id)._cron_process_background_imports()
        self.env.invalidate_all()
        return progress.done, progress.remaining

    def _run_until_done(self, xmlid=REMITTANCE_CRON, model="warranty.remittance.import"):
        runs = []
        for __ in range(20):
            runs.append(self._run_cron(xmlid, model))
            if not runs[-1][1]:
                return runs
        self.fail("the cron never ended")

    def _payments(self, reference="REM-BG"):
        return self.env["account.payment"].search([("memo", "=", reference)])

    def _assert_booked_once(self, claims, rows, received, reference="REM-BG"):
        """Every row booked exactly once, to the cent, in the claims, the bookings and the journal items."""
        bookings = self.env["warranty.remittance.booking"].search([("reference", "=", reference)])
        self.assertEqual(sorted(bookings.claim_id.ids), sorted(claims.ids), "one booking per claim, none twice")
        self.assertEqual({b.claim_id: b.amount for b in bookings}, dict(rows))
        self.assertEqual([claim.amount_paid for claim in claims], [amount for __, amount in rows])
        self.assertEqual(round(sum(self._payments(reference).mapped("amount")), 2), received)
        outstanding = self._payments(reference).outstanding_account_id
        self.assertEqual(len(outstanding), 1)
        self.assertEqual(self._balance(outstanding, self.manufacturer), received, "received, to the cent")
        # Left on the manufacturer's receivable: the 30.00 of the claim paid 30.00 of 60.00, nothing else
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 30.0)
        self.assertEqual(self._balance(self.short_account), 0.5)

    # ------------------------------------------------------------------
    # remittances
    # ------------------------------------------------------------------

    def test_large_remittance_is_queued_then_booked_chunk_by_chunk(self):
        claims, rows, received, wizard = self._large_remittance()
        wizard.action_preview()
        action = wizard.action_apply()
        self.assertEqual((action["res_model"], action["res_id"], action["target"]),
                         ("warranty.remittance.import", wizard.id, "main"), "the import's page, with its progress")
        self.assertEqual((wizard.state, wizard.row_count, wizard.user_id), ("queued", 8, self.user_accountant))
        self.assertFalse(self._payments(), "queued, not booked at once")
        self.assertFalse(self.env["warranty.remittance.booking"].search([("reference", "=", "REM-BG")]))
        self.assertEqual(self._balance(self.receivable, self.manufacturer), round(sum(claims.mapped("amount_open")), 2))
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", self.env.ref(REMITTANCE_CRON).id)]),
                        "the cron is triggered")
        self.assertIn("Queued: its 8 rows are booked in the background, in chunks of 3 rows",
                      wizard.message_ids[0].body)
        with self.assertRefused(r"This remittance is being booked in the background \(0% done\): nothing was "
                                "booked again"):
            wizard.action_apply()

        self.assertEqual(self._run_cron(), (3, 5))
        self.assertEqual((wizard.state, wizard.matched_count, wizard.progress), ("running", 3, 37.5))
        self.assertEqual(len(self._payments()), 1, "one receipt per chunk, committed with it")
        self.assertEqual(self._run_cron(), (3, 2))
        self.assertEqual(self._run_cron(), (2, 0))
        self.assertEqual(self._run_cron(), (0, 0), "nothing left: the cron is fully done")

        self.assertEqual((wizard.state, wizard.matched_count, wizard.unmatched_count, wizard.error_count,
                          wizard.progress), ("done", 8, 0, 0, 100.0))
        self.assertEqual(set(wizard.row_ids.mapped("outcome")), {"booked"})
        self.assertEqual(wizard.move_ids, self._payments().move_id)
        self.assertEqual(len(self._payments()), 3)
        self._assert_booked_once(claims, rows, received)
        end = wizard.message_ids[0]
        self.assertIn("Finished: 8 of 8 rows booked, 0 not matched, 0 in error.", end.body)
        self.assertEqual(end.partner_ids, self.user_accountant.partner_id, "the importer is notified")
        self.assertFalse(wizard.activity_ids, "nothing to look at")
        # Each chunk's receipt is matched by the one bank statement line of the transfer
        self.assertEqual(sorted(claims.mapped("state")), ["accepted"] + ["paid"] * 7)

    def test_restart_midway_books_every_row_once(self):
        claims, rows, received, wizard = self._large_remittance()
        wizard.action_apply()
        self.assertEqual(self._run_cron(), (3, 5))
        booked_before = self._payments()

        # The server dies in the second chunk, after its rows were booked and its receipt posted: the cron's
        # transaction is rolled back (here, the savepoint around the run), nothing of the chunk stays
        book_rows = WarrantyRemittanceImport._book_rows

        def book_then_crash(self, rows):
            book_rows(self, rows)
            raise RuntimeError("server killed")

        with patch.object(WarrantyRemittanceImport, "_book_rows", book_then_crash), \
                self.assertRaisesRegex(RuntimeError, "server killed"), self.env.cr.savepoint():
            self._run_cron()
        self.env.invalidate_all()
        self.assertEqual(self._payments(), booked_before, "the crashed chunk left no entry")
        self.assertEqual(len(self.env["warranty.remittance.booking"].search([("reference", "=", "REM-BG")])), 3)
        self.assertEqual((wizard.state, wizard.matched_count), ("running", 3))
        self.assertEqual(len(wizard.row_ids.filtered("outcome")), 3, "the first chunk stays booked, whole")

        # A claim of the chunk changed by someone else at the same moment: the chunk is dropped, tried in a minute
        def concurrent_update(self, rows):
            raise pg_errors.SerializationFailure("could not serialize access due to concurrent update")

        cron = self.env.ref(REMITTANCE_CRON)
        with patch.object(WarrantyRemittanceImport, "_book_rows", concurrent_update):
            self.assertEqual(self._run_cron(), (0, 5))
        self.assertEqual(len(self.env["warranty.remittance.booking"].search([("reference", "=", "REM-BG")])), 3)
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id),
                                                            ("call_at", ">", fields.Datetime.now())]))

        # The restarted cron resumes from the rows not booked
        self.assertEqual(self._run_until_done(), [(3, 2), (2, 0)])
        self.assertEqual((wizard.state, wizard.matched_count), ("done", 8))
        self._assert_booked_once(claims, rows, received)

    def test_the_same_file_twice_books_nothing_twice(self):
        claims, rows, received, wizard = self._large_remittance()
        wizard.action_apply()
        again = self._remittance(rows, received, reference="REM-BG")
        with self.assertRefused(rf"Claim {claims[0].name} of this remittance is still being booked in the "
                                r"background by the import .* \(Ada Accountant\): nothing was queued"):
            again.action_apply()
        self.assertEqual(again.state, "upload", "refused whole")
        self._run_until_done()
        self.assertEqual(wizard.state, "done")
        payment = self._payments()[0]
        again.action_preview()
        self.assertEqual(again.error_count, 8, "each row is paid already")
        self.assertEqual(again.row_ids.filtered(lambda row: row.claim_id == claims[5]).message,
                         f"Remittance REM-BG is already booked on claim {claims[5].name}.")
        with self.assertRefused(r"Remittance REM-BG is already booked on claim\(s\) .*: nothing was posted again"):
            again.action_apply()
        self._assert_booked_once(claims, rows, received)
        self.assertTrue(payment.exists())

    def test_two_imports_queued_at_once_book_once(self):
        """Two accountants queue the same file at the same moment (both pass the check): the cron books the first;
        the second's rows are not matched, and its importer is told so with a to-do."""
        claims, rows, received, wizard = self._large_remittance()
        twin = self._remittance(rows, received, reference="REM-BG")
        twin.action_preview()
        wizard.action_apply()
        with patch.object(WarrantyRemittanceImport, "_queued_twice_domain", lambda self: [("id", "=", 0)]):
            twin.action_apply()
        self.assertEqual(twin.state, "queued")
        self._run_until_done()
        self.assertEqual((wizard.state, wizard.matched_count), ("done", 8))
        self.assertEqual((twin.state, twin.matched_count, twin.unmatched_count), ("done", 0, 8))
        self.assertEqual(twin.row_ids.sorted("row_number")[0].message,
                         f"Remittance REM-BG is already booked on claim {claims[0].name}.")
        self.assertIn("Finished: 0 of 8 rows booked, 8 not matched, 0 in error.", twin.message_ids[0].body)
        self.assertEqual((twin.activity_ids.user_id, twin.activity_ids.summary),
                         (self.user_accountant, "Rows of the remittance not booked"))
        self._assert_booked_once(claims, rows, received)

    def test_a_refused_chunk_books_none_of_its_rows_and_resumes(self):
        """A chunk refused by a setting (the short-pay account, removed meanwhile) is rolled back whole; the other
        chunks are booked; once the setting is mended, Resume books the refused rows, once."""
        claims, rows, received, wizard = self._large_remittance()
        wizard.action_apply()
        self.company.warranty_short_pay_account_id = False
        self._run_until_done()
        refused = wizard.row_ids.filtered(lambda row: row.outcome == "error")
        self.assertEqual(refused.claim_id, claims[:3], "the chunk of the claim paid short")
        self.assertIn("set the short-pay write-off account", refused[0].message)
        self.assertEqual((wizard.state, wizard.matched_count, wizard.error_count), ("failed", 5, 3))
        self.assertEqual(claims[:3].mapped("amount_paid"), [0.0, 0.0, 0.0], "nothing of the refused chunk")
        self.assertIn("Finished: 5 of 8 rows booked, 0 not matched, 3 in error.", wizard.message_ids[0].body)
        self.assertTrue(wizard.activity_ids)
        with self.assertRefused("This remittance was stopped: use Resume"):
            wizard.action_apply()

        self.company.warranty_short_pay_account_id = self.short_account
        self.assertIs(wizard.with_user(self.user_accountant).action_resume(), True)
        self.assertEqual(wizard.state, "queued")
        self.assertEqual(self._run_until_done(), [(3, 0)])
        self.assertEqual((wizard.state, wizard.matched_count, wizard.error_count), ("done", 8, 0))
        self._assert_booked_once(claims, rows, received)

    def test_who_may_start_and_stop_it(self):
        __, rows, received, wizard = self._large_remittance()
        wizard.action_preview()
        for user in (self.user_workshop, self.user_parts):
            with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager imports remittances"):
                wizard.with_user(user).action_apply()
        wizard.action_apply()
        for user in (self.user_workshop, self.user_parts):
            with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager imports remittances"):
                wizard.with_user(user).action_cancel()
        with self.assertRaises(AccessError, msg="another accountant's import is not hers to stop"):
            wizard.with_user(self.colleague).action_cancel()
        with self.assertRaisesRegex(AccessError, "written by its actions"):
            wizard.with_user(self.user_accountant).write({"state": "done"})
        with self.assertRefused("This remittance is being booked in the background: cancel it before deleting it"):
            wizard.with_user(self.user_accountant).unlink()
        with self.assertRefused("Only a failed or cancelled import is resumed"):
            wizard.with_user(self.user_accountant).action_resume()

        self.assertEqual(self._run_cron(), (3, 5))
        self.assertIs(wizard.with_user(self.user_accountant).action_cancel(), True)
        self.assertEqual(wizard.state, "cancel")
        self.assertIn("3 of 8 rows were booked and stay booked", wizard.message_ids[0].body)
        self.assertEqual(self._run_cron(), (0, 0), "a cancelled import is not booked further")
        self.assertEqual(wizard.matched_count, 3)

        # The importer lost the right to import before the rest was booked: the server refuses the chunks
        wizard.with_user(self.user_accountant).action_resume()
        self.user_accountant.groups_id = [Command.unlink(self.env.ref("warranty_service.group_warranty_accountant").id)]
        self._run_until_done()
        wizard = wizard.sudo()
        self.assertEqual((wizard.state, wizard.matched_count, wizard.error_count), ("failed", 3, 5))
        self.assertEqual(set(wizard.row_ids.filtered(lambda row: row.outcome == "error").mapped("message")),
                         {"Only a Warranty Accountant or Manager imports remittances."})
        self.assertEqual(len(self._payments()), 1)

    def _chunk_queries(self, count, reference):
        claims = self._claims([100.0] * count)
        wizard = self._remittance([(claim, 100.0) for claim in claims], 100.0 * count, reference=reference)
        wizard.action_apply()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.assertEqual(self._run_cron(), (count, 0), "one chunk")
        return self.env.cr.sql_log_count - before

    def test_a_chunk_costs_no_query_per_row(self):
        self.env["ir.config_parameter"].set_param("warranty_service.import_chunk_rows", "100")
        self._chunk_queries(6, "REM-WARM")  # the first chunk fills the caches (sequences, accounts, the cron's)
        small, large = self._chunk_queries(6, "REM-Q6"), self._chunk_queries(36, "REM-Q36")
        # Measured: 206 queries for a chunk of 6 rows, and 206 for 36
        self.assertLess(large - small, 10, f"{small} queries for 6 rows, {large} for 36: a query per row")
        self.assertLess(large, 250)

    def _jit(self):
        self.env.cr.execute("SHOW jit")
        return self.env.cr.fetchone()[0]

    def test_a_booking_runs_without_jit(self):
        # PostgreSQL's JIT compiled the booking's grouped queries for 0.5 s each (issue 26): off in its transaction
        __, __, __, wizard = self._large_remittance(reference="REM-JIT")
        wizard.action_apply()
        self.env.cr.execute("SET LOCAL jit = on")
        self._run_cron()
        self.assertEqual(self._jit(), "off", "the chunk's transaction")
        claims = self._claims([100.0])
        self.env.cr.execute("SET LOCAL jit = on")
        self._remittance([(claims, 100.0)], 100.0, reference="REM-JIT-SMALL").action_apply()
        self.assertEqual(claims.state, "paid")
        self.assertEqual(self._jit(), "off", "a file booked at once")

    def test_small_file_stays_synchronous(self):
        claims = self._claims([100.0, 50.0])
        wizard = self._remittance([(claims[0], 100.0), (claims[1], 50.0)], 150.0, reference="REM-SMALL")
        action = wizard.action_apply()
        self.assertEqual(action["res_model"], "warranty.claim")
        self.assertEqual((wizard.state, wizard.matched_count, wizard.progress, wizard.user_id),
                         ("done", 2, 100.0, self.user_accountant))
        self.assertEqual(claims.mapped("state"), ["paid", "paid"])

    def test_netted_remittance_in_the_background(self):
        claims = self._claims([100.0] * 6)
        rows = [(claim, 100.0) for claim in claims]
        wizard = self._remittance(rows, 600.0, settlement="netting", reference="REM-NET")
        wizard.action_apply()
        self.assertEqual(wizard.state, "queued")
        self._run_until_done()
        self.assertEqual((wizard.state, len(wizard.move_ids)), ("done", 2))
        self.assertEqual(self._balance(self.payable, self.manufacturer), 600.0)
        self.assertEqual(self._balance(self.receivable, self.manufacturer), 0.0)
        self.assertEqual(claims.mapped("state"), ["paid"] * 6)

    # ------------------------------------------------------------------
    # decision files
    # ------------------------------------------------------------------

    def test_large_decision_file_keeps_each_claim_whole(self):
        claims = self.env["warranty.claim"].create([{
            "manufacturer_id": self.manufacturer.id,
            "defect_code_ids": [Command.link(self.defect.id)],
            "causal_part_id": self.part.id,
            "line_ids": [Command.create({"line_type": "labor", "name": "Replace seal", "price_unit": 100.0}),
                         Command.create({"line_type": "labor", "name": "Test drive", "price_unit": 20.0})],
        } for __ in range(4)])
        claims.action_submit()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["claim_number", "revision", "line_ref", "accepted_amount", "rejection_code",
                         "manufacturer_reference"])
        for claim in claims:
            writer.writerow([claim.name, claim.revision, claim.line_ids[0].id, "100.00", "", f"M-{claim.id}"])
            writer.writerow([claim.name, claim.revision, claim.line_ids[1].id, "20.00", "", f"M-{claim.id}"])
        wizard = self.env["warranty.claim.import"].with_user(self.user_accountant).create({
            "manufacturer_id": self.manufacturer.id, "data": base64.b64encode(buffer.getvalue().encode()),
        })
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 0)
        with self.assertRaisesRegex(AccessError, "Only a Warranty Accountant or Manager records the manufacturer's"):
            wizard.with_user(self.user_workshop).action_apply()
        wizard.action_apply()
        self.assertEqual(wizard.state, "queued")
        self.assertEqual(set(claims.mapped("state")), {"submitted"}, "queued, not decided at once")
        # The last claim is decided by hand meanwhile: the file does not decide it again
        claims[3].action_reject("Rejected on the portal")
        self.assertEqual(self._run_until_done(DECISION_CRON, "warranty.claim.import"), [(4, 4), (4, 0)],
                         "a chunk of 3 rows takes the 4th so that no claim is split")
        self.assertEqual((wizard.state, wizard.matched_count, wizard.unmatched_count), ("done", 6, 2))
        self.assertEqual(claims[:3].mapped("state"), ["accepted"] * 3)
        self.assertEqual(claims[:3].mapped("amount_accepted"), [120.0] * 3)
        self.assertEqual(claims[:3].mapped("manufacturer_reference"), [f"M-{claim.id}" for claim in claims[:3]])
        self.assertEqual(claims[3].state, "rejected")
        self.assertEqual(set(wizard.row_ids.filtered(lambda row: row.outcome == "unmatched").mapped("message")),
                         {f"Claim {claims[3].name} is not waiting for a decision."})
        self.assertIn("Finished: 6 of 8 rows booked, 2 not matched, 0 in error.", wizard.message_ids[0].body)
        self.assertEqual(wizard.activity_ids.user_id, self.user_accountant)


@tagged("post_install", "-at_install")
class TestImportBackgroundScreen(MonthEndCommon, HttpCase):
    """The import's page as the accountant sees it: state, progress, counters, chatter, Cancel."""

    def test_the_import_shows_its_progress(self):
        self.env["ir.config_parameter"].set_param("warranty_service.import_background_rows", "5")
        self.env["ir.config_parameter"].set_param("warranty_service.import_chunk_rows", "3")
        claims = self._claims([100.0] * 8)
        wizard = self._remittance([(claim, 100.0) for claim in claims], 800.0, reference="REM-SCREEN")
        wizard.action_apply()
        __, progress = self.env.ref(REMITTANCE_CRON)._add_progress()
        self.env["warranty.remittance.import"].with_context(
            ir_cron_progress_id=progress.id)._cron_process_background_imports()
        self.assertEqual((wizard.state, wizard.matched_count), ("running", 3))
        self.start_tour("/odoo", "warranty_service_background_import_tour", login=self.user_accountant.login)
        self.assertEqual((wizard.state, wizard.matched_count), ("cancel", 3))

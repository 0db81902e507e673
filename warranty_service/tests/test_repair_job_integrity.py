"""Issue 27: what a repair's jobs and their lines agreed to cannot be rewritten behind the screen's back.

Every test scripts the ORM as the role that tried it (the same calls XML-RPC makes): an approved goodwill split
is approved again once changed, and no job, labour or sublet line leaves its repair for another (a done one
least of all).
"""

from odoo import Command
from odoo.tests import tagged

from .test_repair_jobs import RepairJobCommon


class JobIntegrityCommon(RepairJobCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Glass & Co", "is_company": True})

    def _goodwill_job(self, repair, manufacturer, dealer, customer, complaint):
        return {
            "repair_id": repair.id, "complaint": complaint, "pay_type": "goodwill",
            "goodwill_manufacturer_percent": manufacturer, "goodwill_dealer_percent": dealer,
            "goodwill_customer_percent": customer, "goodwill_authorization": f"GW-{complaint}",
        }

    def _approved_pair(self):
        """Two goodwill jobs on one open repair, approved by the manager: 50/30/20 and 60/40/0."""
        repair = self._repair(self.lot_covered)
        jobs = self.env["warranty.repair.job"].create([
            self._goodwill_job(repair, 50, 30, 20, "Scratch"),
            self._goodwill_job(repair, 60, 40, 0, "Dent"),
        ])
        jobs.with_user(self.user_manager).action_approve_goodwill()
        self.assertEqual(jobs.goodwill_approved_by_id, self.user_manager)
        return repair, jobs

    def _open_and_done(self):
        """An open repair with a job of labour and sublet, and a done repair with a job of its own."""
        open_repair = self._repair(self.lot_covered)
        open_repair.write({"job_ids": [Command.create(self._warranty_job(sublet_line_ids=[Command.create({
            "name": "Windscreen machining", "partner_id": self.vendor.id, "cost": 150.0,
        })]))]})
        done = self._repair(self.lot_extended)
        done.write({"job_ids": [Command.create(self._warranty_job())]})
        self._finish(done)
        return open_repair, done


@tagged("post_install", "-at_install")
class TestApprovedGoodwillSplit(JobIntegrityCommon):
    """Item 1: a write on several approved jobs compares each job's own split, not the first one's."""

    SPLIT = {"goodwill_manufacturer_percent": 50, "goodwill_dealer_percent": 30, "goodwill_customer_percent": 20}

    def test_workshop_cannot_rewrite_the_second_job_of_a_batch(self):
        _repair, (scratch, dent) = self._approved_pair()
        # Scratch already has this split: only Dent's changes, and Dent is named
        with self.assertRefused(r"The goodwill of job .* / Dent is approved: its pay type and split can no longer "
                                r"change"):
            (scratch | dent).with_user(self.user_workshop).write(self.SPLIT)
        self.assertEqual(
            (dent.goodwill_manufacturer_percent, dent.goodwill_dealer_percent, dent.goodwill_customer_percent),
            (60, 40, 0), "nothing written",
        )
        self.assertEqual(dent.goodwill_approved_by_id, self.user_manager)
        with self.assertRefused(r"The goodwill of job .* / Dent is approved"):
            (scratch | dent).with_user(self.user_workshop).write({"goodwill_authorization": "GW-Scratch"})
        with self.assertRefused(r"The goodwill of job .* / Dent is approved"):
            dent.with_user(self.user_workshop).write({"pay_type": "warranty"})
        # What changes nothing of what was approved is still written (the same split, the 3C)
        (scratch | dent).with_user(self.user_workshop).write({"cause": "Stone"})
        scratch.with_user(self.user_workshop).write({**self.SPLIT, "goodwill_authorization": "GW-Scratch"})
        self.assertEqual((scratch | dent).mapped("cause"), ["Stone", "Stone"])
        self.assertEqual((scratch | dent).goodwill_approved_by_id, self.user_manager)

    def test_manager_rewrite_resets_the_approval_of_the_changed_job_only(self):
        repair, (scratch, dent) = self._approved_pair()
        (scratch | dent).with_user(self.user_manager).write(self.SPLIT)
        self.assertEqual(
            (dent.goodwill_manufacturer_percent, dent.goodwill_dealer_percent, dent.goodwill_customer_percent),
            (50, 30, 20),
        )
        self.assertFalse(dent.goodwill_approved_by_id, "a new split is approved again")
        self.assertFalse(dent.goodwill_approval_date)
        self.assertEqual(scratch.goodwill_approved_by_id, self.user_manager, "its split did not change")
        self.assertIn("Dent", repair.message_ids[0].body)
        self.assertIn("approve it again", repair.message_ids[0].body)
        # Not approved: the work does not start before the manager approves the new split
        self._confirm(repair)
        with self.assertRefused(r"The goodwill of job .* / Dent is not approved"):
            dent.with_user(self.user_workshop).action_start()
        self.assertIs(dent.with_user(self.user_manager).action_approve_goodwill(), True)
        self.assertIs(dent.with_user(self.user_workshop).action_start(), True)


@tagged("post_install", "-at_install")
class TestJobStaysOnItsRepair(JobIntegrityCommon):
    """Items 2 and 3: a job, its labour and its sublet never move to another repair."""

    def test_approved_job_cannot_move_to_another_repair(self):
        repair, (scratch, _dent) = self._approved_pair()
        other = self._repair(self.lot_extended)
        for user in (self.user_workshop, self.user_manager):
            with self.assertRefused(r"Job .* / Scratch belongs to repair .*: a job cannot be moved to another repair"):
                scratch.with_user(user).write({"repair_id": other.id})
            with self.assertRefused("a job cannot be moved to another repair"):
                other.with_user(user).write({"job_ids": [Command.link(scratch.id)]})
        self.assertEqual(scratch.repair_id, repair)
        self.assertEqual(scratch.lot_id, self.lot_covered)
        self.assertFalse(other.job_ids)
        # Writing the repair it already has is no move
        scratch.with_user(self.user_workshop).write({"repair_id": repair.id, "cause": "Stone"})
        self.assertEqual(scratch.cause, "Stone")

    def test_job_cannot_move_onto_a_done_repair(self):
        open_repair, done = self._open_and_done()
        job = open_repair.job_ids
        with self.assertRefused("a job cannot be moved to another repair"):
            job.with_user(self.user_workshop).write({"repair_id": done.id})
        self.assertEqual(job.repair_id, open_repair)
        self.assertEqual(len(done.job_ids), 1)

    def test_labour_cannot_move_onto_a_done_repair(self):
        open_repair, done = self._open_and_done()
        labour = open_repair.labor_line_ids
        with self.assertRefused(r"Labour \[01-2310\] Replace rear seal belongs to repair .*: it cannot be moved to "
                                r"another repair"):
            labour.with_user(self.user_workshop).write({"repair_id": done.id, "job_id": done.job_ids.id})
        with self.assertRefused("it cannot be moved to another repair"):
            labour.with_user(self.user_workshop).write({"repair_id": done.id, "job_id": False})
        with self.assertRefused(r"Repair .* is closed"):
            labour.with_user(self.user_workshop).write({"job_id": done.job_ids.id})
        self.assertEqual(labour.repair_id, open_repair)
        self.assertEqual(labour.job_id, open_repair.job_ids)
        self.assertEqual(len(done.labor_line_ids), 1)

    def test_sublet_cannot_move_onto_a_done_repair(self):
        open_repair, done = self._open_and_done()
        sublet = open_repair.job_ids.sublet_line_ids
        with self.assertRefused(r"Repair .* is closed"):
            sublet.with_user(self.user_workshop).write({"job_id": done.job_ids.id})
        with self.assertRefused(r"Repair .* is closed"):
            sublet.with_user(self.user_workshop).write({"repair_id": done.id})
        self.assertEqual(sublet.job_id, open_repair.job_ids)
        self.assertEqual(sublet.repair_id, open_repair)
        self.assertFalse(done.job_ids.sublet_line_ids)
        self.assertEqual(open_repair.job_ids.repair_id, open_repair, "the job did not follow either")

    def test_sublet_stays_on_its_repair_but_moves_between_its_jobs(self):
        open_repair, _done = self._open_and_done()
        other = self._repair(self.lot_unregistered)
        other.write({"job_ids": [Command.create({"complaint": "Noise"})]})
        sublet = open_repair.job_ids.sublet_line_ids
        with self.assertRefused(r"Sublet Windscreen machining belongs to repair .*: it cannot be moved to another "
                                r"repair"):
            sublet.with_user(self.user_workshop).write({"job_id": other.job_ids.id})
        with self.assertRefused("Sublet Windscreen machining belongs to repair .*: it cannot be moved"):
            sublet.with_user(self.user_workshop).write({"repair_id": other.id})
        self.assertEqual(sublet.repair_id, open_repair)
        self.assertEqual(other.job_ids.sublet_line_ids, self.env["warranty.repair.sublet"])
        second = self.env["warranty.repair.job"].with_user(self.user_workshop).create(
            {"repair_id": open_repair.id, "complaint": "Glass"}
        )
        sublet.with_user(self.user_workshop).write({"job_id": second.id})
        self.assertEqual(sublet.job_id, second)
        self.assertEqual(sublet.repair_id, open_repair)

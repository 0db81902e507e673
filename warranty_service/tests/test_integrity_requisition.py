"""Issue 12: who may do what on requisitions, loaners and campaign work, enforced by the server.

Each test runs as users of one warranty group and replays an attack that the views alone did
not stop; the parallel cases are in the end-to-end tests (tests/test_e2e_races.py).
"""
from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .test_part_requisition import RequisitionCommon
from .test_repair import WarrantyRepairCommon


class RefusalMixin:

    @contextmanager
    def assertRefusedAs(self, exception, pattern):
        """Refused with ``exception`` and a message matching ``pattern``; the block's writes are rolled back."""
        with self.assertRaises(exception) as refusal:
            yield
        self.assertRegex(refusal.exception.args[0], pattern)


@tagged("post_install", "-at_install")
class TestRequisitionRights(RefusalMixin, RequisitionCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env, login="ws_workshop_2", name="Carl Colleague", groups="warranty_service.group_warranty_workshop",
        )
        cls.shop_and_parts = new_test_user(
            cls.env, login="ws_shop_parts_i", name="Sam Shop",
            groups="warranty_service.group_warranty_workshop,warranty_service.group_warranty_parts",
        )

    def _submitted(self, user=None, lines=None):
        requisition = self._requisition(lines or [(self.filter, 2, {})], user=user or self.user_workshop)
        requisition.with_user(user or self.user_workshop).action_submit()
        return requisition

    # Who asks

    def test_request_is_filed_in_the_creators_name(self):
        Requisition = self.env["warranty.part.requisition"]
        with self.assertRefusedAs(AccessError, "only a Warranty Manager can file a request for someone else"):
            self._requisition([(self.filter, 1, {})], requested_by_id=self.shop_and_parts.id)
        with self.assertRefusedAs(AccessError, "only a Warranty Manager can file a request for someone else"):
            Requisition.with_user(self.user_workshop).with_context(default_requested_by_id=self.shop_and_parts.id).create({
                "line_ids": [Command.create({"product_id": self.filter.id, "product_qty": 1})],
            })
        requisition = self._requisition([(self.filter, 1, {})])
        self.assertEqual(requisition.requested_by_id, self.user_workshop)
        copied = requisition.with_user(self.colleague).copy()
        self.assertEqual(copied.requested_by_id, self.colleague, "a copy is the copier's request")

    def test_requester_cannot_be_rewritten(self):
        requisition = self._requisition([(self.filter, 1, {})])
        with self.assertRefusedAs(AccessError, "only a Warranty Manager can change who requested a requisition"):
            requisition.with_user(self.user_workshop).write({"requested_by_id": self.shop_and_parts.id})
        self.assertEqual(requisition.requested_by_id, self.user_workshop)

    def test_parts_staff_file_no_requests(self):
        with self.assertRaises(AccessError):
            self._requisition([(self.filter, 1, {})], user=self.user_parts)

    def test_nobody_approves_a_request_filed_in_a_colleagues_name(self):
        # The attack of the issue: file the request in a colleague's name, then approve it yourself
        shop_and_parts = self.shop_and_parts
        with self.assertRefusedAs(AccessError, "only a Warranty Manager can file a request for someone else"):
            self._requisition([(self.filter, 1, {})], user=shop_and_parts, requested_by_id=self.user_workshop.id)
        own = self._requisition([(self.filter, 1, {})], user=shop_and_parts)
        with self.assertRefusedAs(AccessError, "only a Warranty Manager can change who requested"):
            own.with_user(shop_and_parts).write({"requested_by_id": self.user_workshop.id})
        own.with_user(shop_and_parts).action_submit()
        with self.assertRefusedAs(UserError, f"You requested {own.name} yourself: another member of the parts staff"):
            own.with_user(shop_and_parts).action_approve()

        # A manager may file for a colleague, but then neither of them approves it
        filed = self._requisition([(self.filter, 1, {})], user=self.user_manager, requested_by_id=shop_and_parts.id)
        self.assertEqual(filed.requested_by_id, shop_and_parts)
        filed.with_user(shop_and_parts).action_submit()
        with self.assertRefusedAs(
            UserError, f"You filed {filed.name} in Sam Shop's name: another member of the parts staff must approve it",
        ):
            filed.with_user(self.user_manager).action_approve()
        with self.assertRefusedAs(UserError, "yourself: another member of the parts staff must approve it"):
            filed.with_user(shop_and_parts).action_approve()
        self.assertIs(filed.with_user(self.user_parts).action_approve(), True)
        self.assertEqual(filed.approved_by_id, self.user_parts)

    def test_approval_limit_is_the_requisitions_companys(self):
        self.company.warranty_requisition_approval_limit = 100
        other_company = self.env["res.company"].create({"name": "Branch Without Limit"})
        self.assertFalse(other_company.warranty_requisition_approval_limit)
        self.user_parts.write({"company_ids": [Command.link(other_company.id)], "company_id": other_company.id})
        requisition = self._submitted(lines=[(self.gasket, 2, {})])  # 2 x 60 = 120 at cost
        self.assertEqual(requisition.amount_estimated, 120)
        approver = requisition.with_user(self.user_parts)
        self.assertEqual(approver.env.company, other_company, "the approver works in the other company now")
        with self.assertRefusedAs(UserError, "worth more than the approval limit: a Warranty Manager must approve it"):
            approver.action_approve()
        self.assertEqual(requisition.state, "submitted")
        requisition.with_user(self.user_manager).action_approve()
        self.assertEqual(requisition.state, "approved")

    # The status moves only through the actions

    def test_status_and_trail_only_through_the_actions(self):
        draft = self._requisition([(self.filter, 1, {})])
        Requisition = self.env["warranty.part.requisition"]
        for user in (self.user_workshop, self.user_parts, self.user_manager):
            for vals in ({"state": "approved"}, {"state": "done"}, {"approved_by_id": self.parts_clerk.id},
                         {"date_approved": "2026-01-01 00:00:00"}, {"amount_estimated": 1.0}):
                with self.subTest(user=user.login, vals=vals), \
                        self.assertRefusedAs(UserError, "change only through its buttons"):
                    draft.with_user(user).write(vals)
        other = self._submitted()
        other.with_user(self.user_parts).action_approve()
        with self.assertRefusedAs(UserError, "change only through its buttons"):
            draft.with_user(self.user_workshop).write({"picking_ids": [Command.link(other.picking_ids.id)]})
        with self.assertRefusedAs(UserError, "A new requisition starts as a draft"):
            self._requisition([(self.filter, 1, {})], state="approved")
        with self.assertRefusedAs(UserError, "A new requisition starts as a draft"):
            Requisition.with_user(self.user_workshop).with_context(default_state="done").create({})
        self.assertEqual(draft.state, "draft")

    def test_quantities_follow_the_transfers(self):
        requisition = self._requisition([(self.filter, 1, {})])
        with self.assertRefusedAs(UserError, "quantities issued, returned and consumed follow the transfers"):
            requisition.line_ids.with_user(self.user_workshop).write({"qty_issued": 1})
        for vals in ({"state": "done"}, {"company_id": self.company.id}, {"date": "2026-01-01 00:00:00"}):
            with self.subTest(vals=vals), self.assertRefusedAs(UserError, "are its requisition's: change them on the"):
                requisition.line_ids.with_user(self.user_workshop).write(vals)
        with self.assertRefusedAs(UserError, "quantities issued, returned and consumed follow the transfers"):
            self._requisition([(self.filter, 1, {"qty_issued": 1})])

    def test_actions_check_the_role_and_the_state(self):
        with self.assertRefusedAs(AccessError, "Only the workshop submits requisitions"):
            self._requisition([(self.filter, 1, {})]).with_user(self.user_accountant).action_submit()
        requisition = self._submitted()
        with self.assertRefusedAs(UserError, "is not a draft: it cannot be submitted"):
            requisition.with_user(self.user_workshop).action_submit()
        with self.assertRefusedAs(AccessError, "Only the parts staff approve or refuse requisitions"):
            requisition.with_user(self.user_workshop).action_refuse()
        with self.assertRefusedAs(AccessError, "Only the parts staff approve or refuse requisitions"):
            requisition.with_user(self.user_accountant).action_approve()
        with self.assertRefusedAs(UserError, "Only a cancelled requisition can be set back to draft"):
            requisition.with_user(self.user_workshop).action_reset_to_draft()
        with self.assertRefusedAs(UserError, "issued no tool to return"):
            requisition.with_user(self.user_workshop).action_return_tools()
        self.assertIs(requisition.with_user(self.user_parts).action_approve(), True)
        with self.assertRefusedAs(UserError, "is Approved: only a submitted requisition can be approved"):
            requisition.with_user(self.parts_clerk).action_approve()
        with self.assertRefusedAs(UserError, r"Only a submitted requisition can be refused"):
            requisition.with_user(self.parts_clerk).action_refuse()
        with self.assertRefusedAs(
            AccessError, "is Wanda Workshop's request: only they or a Warranty Manager can cancel"
        ):
            requisition.with_user(self.colleague).action_cancel()
        self.assertIs(requisition.with_user(self.user_workshop).action_cancel(), True)
        with self.assertRefusedAs(AccessError, "only they or a Warranty Manager can reopen it"):
            requisition.with_user(self.colleague).action_reset_to_draft()
        self.assertIs(requisition.with_user(self.user_workshop).action_reset_to_draft(), True)
        self.assertEqual((requisition.state, requisition.approved_by_id.id), ("draft", False))

    # What was asked is what is approved

    def test_lines_are_frozen_once_submitted(self):
        requisition = self._submitted()
        line = requisition.line_ids
        for user in (self.user_workshop, self.user_parts, self.user_manager):
            with self.subTest(user=user.login):
                if user == self.user_parts:
                    # The parts staff never change lines: they hold no right to write, add or delete them
                    with self.assertRaises(UserError):
                        line.with_user(user).write({"product_qty": 50})
                    with self.assertRaises(AccessError):
                        line.with_user(user).unlink()
                    continue
                with self.assertRefusedAs(UserError, "was submitted: its lines can no longer be changed"):
                    line.with_user(user).write({"product_qty": 50})
                with self.assertRefusedAs(UserError, "was submitted: its lines can no longer be changed"):
                    line.with_user(user).unlink()
                with self.assertRefusedAs(UserError, "was submitted: its lines can no longer be changed"):
                    self.env["warranty.part.requisition.line"].with_user(user).create({
                        "requisition_id": requisition.id, "product_id": self.gasket.id, "product_qty": 9,
                    })
                with self.assertRefusedAs(UserError, "is Submitted: Lines can no longer be changed"):
                    requisition.with_user(user).write({
                        "line_ids": [Command.update(line.id, {"product_qty": 50}),
                                     Command.create({"product_id": self.gasket.id, "product_qty": 9})],
                    })
                with self.assertRefusedAs(UserError, "is Submitted: Notes, Warehouse can no longer be changed"):
                    requisition.with_user(user).write({"note": "more", "warehouse_id": self.warehouse.id})
        # A line cannot be moved out of (or into) a submitted request either
        draft = self._requisition([(self.gasket, 1, {})])
        with self.assertRefusedAs(UserError, "was submitted: its lines can no longer be changed"):
            draft.line_ids.with_user(self.user_workshop).write({"requisition_id": requisition.id})
        self.assertEqual((line.product_qty, len(requisition.line_ids)), (2, 1))

    def test_a_draft_is_its_requesters(self):
        requisition = self._requisition([(self.filter, 1, {})])
        message = "is Wanda Workshop's request: only they or a Warranty Manager can"
        with self.assertRefusedAs(AccessError, message + " change it"):
            requisition.with_user(self.colleague).write({"note": "mine now"})
        with self.assertRefusedAs(AccessError, message + " change it"):
            requisition.line_ids.with_user(self.colleague).write({"product_qty": 30})
        with self.assertRefusedAs(AccessError, message + " submit it"):
            requisition.with_user(self.colleague).action_submit()
        with self.assertRefusedAs(AccessError, message + " cancel it"):
            requisition.with_user(self.user_parts).action_cancel()
        with self.assertRefusedAs(AccessError, message + " delete it"):
            requisition.with_user(self.colleague).unlink()
        requisition.with_user(self.user_workshop).write({"note": "For the van", "priority": "1"})
        requisition.line_ids.with_user(self.user_workshop).product_qty = 3
        requisition.with_user(self.user_manager).write({"note": "For the van, urgent"})
        self.assertEqual((requisition.line_ids.product_qty, requisition.note), (3, "For the van, urgent"))

    def test_parts_staff_plan_and_refuse_a_submitted_request(self):
        requisition = self._submitted()
        clerk = requisition.with_user(self.user_parts)
        clerk.write({"priority": "1", "refuse_reason": "Use the filters already in the workshop"})
        with self.assertRefusedAs(UserError, "is Submitted: Notes can no longer be changed"):
            clerk.write({"note": "changed"})
        with self.assertRefusedAs(UserError, "is Submitted: Refusal Reason can no longer be changed"):
            requisition.with_user(self.user_workshop).write({"refuse_reason": "none"})
        self.assertIs(clerk.action_refuse(), True)
        self.assertEqual(requisition.state, "cancel")
        with self.assertRefusedAs(UserError, "is Cancelled: Priority can no longer be changed"):
            clerk.write({"priority": "0"})

    def test_tools_are_returned_once(self):
        requisition = self._submitted(lines=[(self.torque_wrench, 1, {
            "line_type": "tool", "date_return_expected": "2026-07-01"})])
        requisition.with_user(self.user_parts).action_approve()
        self._issue(requisition)
        requisition.with_user(self.user_workshop).action_return_tools()
        with self.assertRefusedAs(UserError, "A return of the tools of requisition .* is already waiting"):
            requisition.with_user(self.user_parts).action_return_tools()
        with self.assertRefusedAs(AccessError, "Only the workshop or the parts staff return lent tools"):
            requisition.with_user(self.user_accountant).action_return_tools()
        self.assertEqual(
            len(requisition.picking_ids.filtered(lambda p: p.warranty_requisition_kind == "tool_return")), 1
        )


@tagged("post_install", "-at_install")
class TestLoanerRights(RefusalMixin, WarrantyRepairCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loaner_a, cls.loaner_b = cls._create_lots(cls.saw, "LOANER-IA", "LOANER-IB")

    def _lendable_repair(self, lot=None):
        repair = self._repair(lot or self.lot_covered, user=self.user_workshop)
        fleet = repair._get_loaner_location()
        for loaner in self.loaner_a | self.loaner_b:
            if not self.env["stock.quant"].search_count([("lot_id", "=", loaner.id), ("quantity", ">", 0)]):
                self.env["stock.quant"]._update_available_quantity(loaner.product_id, fleet, 1, lot_id=loaner)
        repair.with_user(self.user_workshop).loaner_lot_id = self.loaner_a
        return repair.with_user(self.user_workshop)

    def test_loaner_status_only_through_its_actions(self):
        repair = self._lendable_repair()
        for vals in ({"loaner_date_out": "2026-06-01 10:00:00"}, {"loaner_state": "lent"},
                     {"loaner_date_in": "2026-06-02 10:00:00"}):
            for user in (self.user_workshop, self.user_manager):
                with (
                    self.subTest(vals=vals, user=user.login),
                    self.assertRefusedAs(
                        UserError, "lent and taken back with the buttons Lend Loaner and Loaner Returned"
                    ),
                ):
                    repair.with_user(user).write(vals)
        with self.assertRefusedAs(UserError, "lent and taken back with the buttons"):
            self._repair(self.lot_extended, user=self.user_workshop, loaner_lot_id=self.loaner_b.id,
                         loaner_date_out="2026-06-01 10:00:00")
        self.assertEqual(repair.loaner_state, "planned")
        self.assertFalse(repair.service_picking_ids)

    def test_loaner_unit_cannot_be_swapped_while_out(self):
        repair = self._lendable_repair()
        self.assertIs(repair.action_lend_loaner(), True)
        with self.assertRefusedAs(UserError, "was already handed over: its unit can no longer be changed"):
            repair.write({"loaner_lot_id": self.loaner_b.id})
        self.assertIs(repair.action_return_loaner(), True)
        with self.assertRefusedAs(UserError, "was already handed over: its unit can no longer be changed"):
            repair.write({"loaner_lot_id": self.loaner_b.id})
        with self.assertRefusedAs(UserError, "is not out"):
            repair.action_return_loaner()
        self.assertEqual(len(repair.service_picking_ids), 2, "one transfer out, one back")

    def test_only_the_workshop_lends(self):
        repair = self._lendable_repair()
        for user in (self.user_parts, self.user_accountant, self.user_warehouse):
            with self.subTest(user=user.login), \
                    self.assertRefusedAs(AccessError, "Only the workshop lends loaners and takes them back"):
                repair.with_user(user).action_lend_loaner()
        self.assertEqual(repair.loaner_state, "planned")

    def test_two_repairs_of_one_batch_lending_one_loaner(self):
        """The database's exclusion constraint refuses the second, in words, and nothing is moved."""
        first = self._lendable_repair()
        second = self._lendable_repair(self.lot_extended)
        with mute_logger("odoo.sql_db"), \
                self.assertRefusedAs(UserError, "Loaner LOANER-IA was lent on another repair a moment ago"):
            (first | second).action_lend_loaner()
        self.assertEqual((first | second).mapped("loaner_state"), ["planned", "planned"])
        self.assertFalse((first | second).service_picking_ids)


@tagged("post_install", "-at_install")
class TestCampaignWorkRights(RefusalMixin, WarrantyRepairCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recall = cls.env["warranty.recall"].create({
            "name": "Rear seal replacement", "campaign_code": "RC-INT-01", "manufacturer_id": cls.manufacturer.id,
            "operation_id": cls.operation_seal.id,
            "part_ids": [Command.create({"product_id": cls.seal.id, "quantity": 1})],
        })
        cls.recall._add_lots(cls.lot_covered)
        cls.recall.action_open()

    def test_only_the_workshop_adds_campaign_work(self):
        repair = self._repair(self.lot_covered, user=self.user_workshop)
        for user in (self.user_parts, self.user_warehouse):
            with self.subTest(user=user.login), \
                    self.assertRefusedAs(AccessError, "Only the workshop adds campaign work to a repair"):
                repair.with_user(user).action_add_campaign_work()
        self.assertFalse(self.recall.line_ids.repair_id)
        self.assertIs(repair.with_user(self.user_workshop).action_add_campaign_work(), True)
        self.assertEqual(self.recall.line_ids.repair_id, repair)

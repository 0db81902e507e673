"""Issue 26: the chatter of claims changed by the thousand is logged in one batch, with what core would log."""
from odoo.tests import tagged

from .test_month_end import MonthEndCommon


@tagged("post_install", "-at_install")
class TestClaimTracking(MonthEndCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The common set-up turns the chatter's tracking off for speed: this class is about it
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))

    def _finalize_tracking(self):
        """What a commit does: flush, then run core's tracking (a precommit hook)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def _tracking_messages(self, claims):
        return self.env["mail.message"].search([
            ("model", "=", "warranty.claim"), ("res_id", "in", claims.ids), ("tracking_value_ids", "!=", False),
        ])

    def _state_changes(self, message):
        return [
            (value.field_id.name, value.old_value_char, value.new_value_char) for value in message.tracking_value_ids
            if value.field_id.name == "state"
        ]

    def test_batch_logs_each_claim_as_core_does(self):
        claims = self._claims([100.0, 80.0, 60.0], decide=False)
        single = self._claims([40.0], decide=False)
        self._finalize_tracking()
        before = self._tracking_messages(claims | single)
        (claims | single).with_user(self.user_manager).action_accept()
        self._finalize_tracking()
        messages = self._tracking_messages(claims | single) - before
        # One message per claim, on its own claim, as when one claim alone is accepted (core's own path)
        self.assertEqual(sorted(messages.mapped("res_id")), sorted((claims | single).ids))
        core_message = messages.filtered(lambda message: message.res_id == single.id)
        for message in messages:
            self.assertEqual(self._state_changes(message), [("state", "Submitted", "Accepted")])
            self.assertEqual(message.author_id, self.user_manager.partner_id)
            self.assertEqual(message.message_type, "notification")
            self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
            self.assertEqual(
                sorted(message.tracking_value_ids.field_id.mapped("name")),
                sorted(core_message.tracking_value_ids.field_id.mapped("name")),
            )
        # The accepted amount is tracked too, claim by claim
        accepted = {message.res_id: message.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "amount_accepted").new_value_float for message in messages}
        self.assertEqual(accepted, {claim.id: claim.amount_accepted for claim in claims | single})

    def test_author_and_body_set_by_the_code_are_kept(self):
        claims = self._claims([100.0, 80.0], decide=False)
        self._finalize_tracking()
        claims[0]._track_set_author(self.user_accountant.partner_id)
        claims[1]._track_set_log_message("<p>Decided by the manufacturer's file</p>")
        claims.with_user(self.user_manager).action_accept()
        self._finalize_tracking()
        first, second = (self._tracking_messages(claim)[:1] for claim in claims)
        self.assertEqual(first.author_id, self.user_accountant.partner_id)
        self.assertEqual(second.author_id, self.user_manager.partner_id)
        self.assertIn("Decided by the manufacturer", second.body)
        self.assertEqual(self._state_changes(first), [("state", "Submitted", "Accepted")])

    def test_queries_do_not_grow_with_the_claims(self):
        def queries_to_log(count):
            claims = self._claims([10.0] * count, decide=False)
            self._finalize_tracking()
            claims.with_user(self.user_manager).action_accept()
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.env.cr.precommit.run()
            self.env.invalidate_all()
            self.assertEqual(len(self._tracking_messages(claims)), count)
            return self.env.cr.sql_log_count - before

        queries_to_log(2)  # warms the caches (tracked fields, the note subtype)
        # Core logs a claim with a message of its own, a few queries each. Batched, 4 or 40 claims cost the same
        self.assertEqual(queries_to_log(40), queries_to_log(4))

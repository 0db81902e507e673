from collections import defaultdict

from odoo import models
from odoo.exceptions import MissingError


class WarrantyClaim(models.Model):
    """The chatter's tracking of claims changed by the thousand (a decision or remittance file, a batch action).

    Core logs each record's tracked changes with a message of its own: its author, reply-to and message created one
    at a time, about 4 ms a claim. A remittance of 10,000 lines moves 10,000 claims to Paid, so 40 s went into the
    chatter alone (issue 26). Claims have no tracking subtype: every change is a plain log note, which is created
    here for all the claims at once, with the same body, author and tracking values as core's.
    """

    _inherit = "warranty.claim"  # pylint: disable=consider-merging-classes-inherited

    def _message_track(self, fields_iter, initial_values_dict):
        if len(self) < 2 or not fields_iter:
            return super()._message_track(fields_iter, initial_values_dict)
        tracked_fields = self.fields_get(fields_iter, attributes=("string", "type", "selection", "currency_field"))
        tracking = {}
        for record in self:
            try:
                tracking[record.id] = record._mail_track(tracked_fields, initial_values_dict[record.id])
            except MissingError:
                continue
        precommit = self.env.cr.precommit.data
        bodies = precommit.pop(f"mail.tracking.message.{self._name}", {})
        authors = precommit.pop(f"mail.tracking.author.{self._name}", {})
        # Logged per author, as core does: the user who changed them, unless the code set another
        logs = defaultdict(list)  # author id (None: the current user): [(claim, body, tracking values)]
        for record in self:
            changes, tracking_value_ids = tracking.get(record.id, (None, None))
            if not changes:
                continue
            subtype = record._track_subtype({name: initial_values_dict[record.id][name] for name in changes})
            body = bodies[record.id] if record.id in bodies else record._track_get_default_log_message(changes)
            author_id = authors[record.id].id if record.id in authors else None
            if subtype:
                # A subtype notifies the followers: core's message, record by record
                if subtype.exists():
                    record.message_post(body=body, author_id=author_id, subtype_id=subtype.id,
                                        tracking_value_ids=tracking_value_ids)
            elif tracking_value_ids:
                logs[author_id].append((record, body, tracking_value_ids))
        for author_id, entries in logs.items():
            claims = self.browse([claim.id for claim, __, __ in entries])
            messages = claims._message_log_batch({claim.id: body for claim, body, __ in entries}, author_id=author_id)
            # _message_log_batch takes no tracking values for several records: they are linked to their message here,
            # in one create (messages come in the order of the claims)
            self.env["mail.tracking.value"].sudo().create([
                dict(values, mail_message_id=message.id)
                for message, (__, __, commands) in zip(messages, entries, strict=True)
                for __, __, values in commands
            ])
        return tracking

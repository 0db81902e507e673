from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

# Moved only by the examination actions, which check who records what and from which step
EXPERTISE_STATE_FIELDS = {"expertise_state", "expertise_date_sent", "expertise_date_result"}


class RepairOrder(models.Model):
    """The independent examination of a sample when the customer disputes the verdict."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    # Independent examination, when the customer disputes the verdict
    expertise_state = fields.Selection(
        [
            ("none", "None"),
            ("sent", "Sample Sent"),
            ("confirmed", "Verdict Confirmed"),
            ("overturned", "Verdict Overturned"),
        ],
        string="Independent Examination", default="none", required=True, readonly=True, tracking=True, copy=False,
        help="Sample Sent: the customer disputes the verdict and a sample went to an independent examiner.\n"
        "Verdict Confirmed: the examiner agrees with the workshop.\n"
        "Verdict Overturned: the examiner disagrees; a Warranty Manager may change the coverage.",
    )
    expertise_partner_id = fields.Many2one(
        "res.partner", string="Examiner", tracking=True, copy=False, check_company=True
    )
    expertise_date_sent = fields.Date(string="Sample Sent On", readonly=True, copy=False, tracking=True)
    expertise_date_result = fields.Date(string="Verdict On", readonly=True, copy=False, tracking=True)
    expertise_result = fields.Text(string="Examiner's Verdict", copy=False)

    def write(self, vals):
        if EXPERTISE_STATE_FIELDS & vals.keys() and not self.env.su:
            raise UserError(
                _(
                    "The independent examination moves on with its buttons (Send Sample, Verdict Confirmed, "
                    "Verdict Overturned), not by editing it."
                )
            )
        if not self.env.su and (
            (
                "expertise_partner_id" in vals
                and any(
                    r.expertise_state != "none" and r.expertise_partner_id.id != vals["expertise_partner_id"]
                    for r in self
                )
            )
            or (
                "expertise_result" in vals
                and any(
                    r.expertise_state in ("confirmed", "overturned") and r.expertise_result != vals["expertise_result"]
                    for r in self
                )
            )
        ):
            # What the examiner received and answered is the record of the dispute
            raise UserError(_("Once the sample is sent, its examiner cannot change, nor the verdict once recorded."))
        return super().write(vals)

    def action_send_to_expertise(self):
        """Record that a sample went to an independent examiner because the customer disputes the verdict."""
        self._check_expertise_rights()
        for repair in self:
            if repair.state == "cancel":
                raise UserError(
                    _("Repair %(repair)s is cancelled: there is no verdict left to dispute.", repair=repair.name)
                )
            if repair.expertise_state != "none":
                raise UserError(
                    _(
                        "A sample of repair %(repair)s already went to the examiner: it is sent once, and its "
                        "verdict is recorded on the repair.",
                        repair=repair.name,
                    )
                )
            if not repair.expertise_partner_id:
                raise UserError(
                    _("Choose the examiner of repair %(repair)s before sending the sample.", repair=repair.name)
                )
        # sudo: the examination fields are written only by these actions (write() refuses them
        # otherwise); the caller's group and the step were checked above
        self.sudo().write({"expertise_state": "sent", "expertise_date_sent": fields.Date.context_today(self)})
        return True

    def action_record_expertise(self, overturned=False):
        """Record the examiner's verdict; an overturned verdict lets a manager change the coverage."""
        self._check_expertise_rights()
        for repair in self:
            if repair.expertise_state != "sent":
                raise UserError(_("Repair %(repair)s has no sample out for examination.", repair=repair.name))
            if not (repair.expertise_result or "").strip():
                raise UserError(_("Enter the examiner's verdict of repair %(repair)s first.", repair=repair.name))
        # sudo: as in action_send_to_expertise
        self.sudo().write(
            {
                "expertise_state": "overturned" if overturned else "confirmed",
                "expertise_date_result": fields.Date.context_today(self),
            }
        )
        return True

    def action_record_expertise_overturned(self):
        """The examiner disagrees with the workshop's verdict."""
        return self.action_record_expertise(overturned=True)

    def _check_expertise_rights(self):
        # The workshop handles the examination of its own diagnosis; changing the coverage after an
        # overturned verdict stays a Warranty Manager's decision (_check_coverage_rights)
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop sends samples to the independent examiner and records the verdict."))

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class WarrantyRepairGoodwill(models.TransientModel):
    """Ask the Warranty Manager for the goodwill reason, then grant it (the reason is on another tab of the repair)."""

    _name = "warranty.repair.goodwill"
    _description = "Grant Goodwill"

    repair_ids = fields.Many2many(
        "repair.order", string="Repairs", required=True, default=lambda self: self._default_repairs(),
    )
    reason = fields.Text(
        required=True, default=lambda self: self._default_repairs()[:1].goodwill_reason,
        help="Why the dealer or the manufacturer covers this repair outside the warranty terms; kept on the repair.",
    )

    @api.model
    def _default_repairs(self):
        if self.env.context.get("active_model") != "repair.order":
            return self.env["repair.order"]
        return self.env["repair.order"].browse(self.env.context.get("active_ids") or [])

    def action_grant(self):
        """Record the reason on the repairs and grant them goodwill."""
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(_("Enter the reason for granting goodwill."))
        # The repairs' own checks (Warranty Manager, open and uncovered repair, reason) run in their action
        self.repair_ids._check_coverage_rights()
        self.repair_ids.write({"goodwill_reason": self.reason})
        self.repair_ids.action_grant_goodwill()
        return {"type": "ir.actions.act_window_close"}

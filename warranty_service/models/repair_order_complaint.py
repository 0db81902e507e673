from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

# A draft is a quotation: its scheduled date is a proposal, nothing was promised yet
LATE_STATES = ("confirmed", "under_repair")


class RepairOrder(models.Model):
    # The owner's side (issue 16): repairs on the portal, their complaints and their promised date
    _name = "repair.order"
    _inherit = ["repair.order", "portal.mixin", "warranty.portal.field.access"]

    complaint_ids = fields.One2many("warranty.complaint", "repair_id", string="Complaints")
    warranty_is_late = fields.Boolean(
        string="Late", compute="_compute_warranty_is_late", search="_search_warranty_is_late",
        help="Not done and past its scheduled (promised) date.",
    )
    warranty_complaint_overdue = fields.Boolean(
        string="Complaint Overdue", compute="_compute_warranty_complaint_overdue",
        help="The customer's complaint behind this repair is past its answer deadline.",
    )

    def _warranty_portal_field_names(self):
        # What the repair pages show its owner (portal_my_repairs, portal_my_repair) and their record rule reads:
        # not the workshop's internal notes, diagnosis, goodwill reason, claims nor parts
        return {
            "name", "partner_id", "company_id", "state", "product_id", "lot_id", "schedule_date", "date_done",
            "odometer_km", "warranty_coverage", "warranty_coverage_reason", "complaint_ids",
        }

    @api.depends("complaint_ids.is_overdue")
    @api.depends_context("date")
    def _compute_warranty_complaint_overdue(self):
        # sudo: the workshop's kanban shows the flag to everyone who reads repairs (parts and inventory staff
        # too), who do not read complaints themselves
        for repair in self:
            repair.warranty_complaint_overdue = any(repair.sudo().complaint_ids.mapped("is_overdue"))

    @api.depends("state", "schedule_date")
    @api.depends_context("date")
    def _compute_warranty_is_late(self):
        now = fields.Datetime.now()
        for repair in self:
            repair.warranty_is_late = bool(
                repair.state in LATE_STATES and repair.schedule_date and repair.schedule_date < now
            )

    def _search_warranty_is_late(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(_("Late repairs can only be searched as late or not."))
        domain = [("state", "in", LATE_STATES), ("schedule_date", "<", fields.Datetime.now())]
        if (operator == "=") != bool(value):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    def _compute_access_url(self):
        for repair in self:
            repair.access_url = f"/my/repairs/{repair.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Repair Act - {self.name}"

    def _schedule_deadline_activity(self, activity_type, today):
        done = set(self.env["mail.activity"].search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids), ("activity_type_id", "=", activity_type.id),
        ]).mapped("res_id"))
        for repair in self.filtered(lambda record: record.id not in done):
            repair.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Repair %(name)s is past the date promised to the customer.", name=repair.name),
                user_id=(repair.user_id or repair._get_warranty_manager()).id,
                date_deadline=today,
            )

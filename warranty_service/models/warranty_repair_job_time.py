from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class WarrantyRepairJobTime(models.Model):
    """A technician's clock time on a job: from start to stop, against the flat-rate hours the job is paid."""

    _name = "warranty.repair.job.time"
    _description = "Repair Job Clock Time"
    _order = "job_id, date_start, id"
    _check_company_auto = True

    job_id = fields.Many2one(
        "warranty.repair.job", string="Job", required=True, index=True, ondelete="cascade", check_company=True,
    )
    repair_id = fields.Many2one(related="job_id.repair_id", store=True, index=True, string="Repair Order")
    company_id = fields.Many2one(related="job_id.company_id", store=True, index=True, precompute=True)
    technician_id = fields.Many2one(
        "res.users", string="Technician", required=True, index=True, default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date_start = fields.Datetime(string="Start", required=True, default=fields.Datetime.now)
    date_stop = fields.Datetime(string="Stop")
    hours = fields.Float(string="Clock Hours", digits=(16, 2), compute="_compute_hours", store=True)
    note = fields.Char()

    _sql_constraints = [
        ("stop_after_start", "CHECK(date_stop IS NULL OR date_stop >= date_start)",
         "A clock time stops after it starts."),
    ]

    @api.depends("date_start", "date_stop")
    def _compute_hours(self):
        for entry in self:
            if entry.date_start and entry.date_stop:
                entry.hours = round((entry.date_stop - entry.date_start).total_seconds() / 3600.0, 2)
            else:
                entry.hours = 0.0

    @api.constrains("date_start", "date_stop")
    def _check_dates(self):
        for entry in self:
            if entry.date_stop and entry.date_stop < entry.date_start:
                raise ValidationError(_(
                    "The clock time of %(technician)s on job %(job)s stops before it starts.",
                    technician=entry.technician_id.name, job=entry.job_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_workshop()
        entries = super().create(vals_list)
        entries._check_repair_open()
        return entries

    def write(self, vals):
        self._check_workshop()
        self._check_repair_open()
        if "job_id" in vals and any(entry.job_id.id != vals["job_id"] for entry in self):
            raise UserError(_("A clock time belongs to its job: record a new one on the other job."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed_repair(self):
        self._check_workshop()
        self._check_repair_open()

    def _check_workshop(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop records the technicians' clock times."))

    def _check_repair_open(self):
        closed = self.repair_id.filtered(lambda repair: repair.state in ("done", "cancel"))
        if closed:
            raise UserError(_(
                "Repair %(repair)s is closed: its clock times can no longer be changed.", repair=closed[0].name,
            ))

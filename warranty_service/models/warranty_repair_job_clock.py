from odoo import _, api, fields, models
from odoo.exceptions import UserError


class WarrantyRepairJob(models.Model):
    """Clock time per job and technician against the flat-rate hours the manufacturer pays."""

    _inherit = "warranty.repair.job"  # pylint: disable=consider-merging-classes-inherited

    time_ids = fields.One2many("warranty.repair.job.time", "job_id", string="Clock Times")
    flat_rate_hours = fields.Float(
        string="Flat-Rate Hours", digits=(16, 2), compute="_compute_clock_variance",
        help="The hours the job is paid: its labour's time guide hours (else the hours worked).",
    )
    clock_hours = fields.Float(
        digits=(16, 2), compute="_compute_clock_variance",
        help="The technicians' clock time on the job, start to stop.",
    )
    clock_variance_hours = fields.Float(
        string="Variance (h)", digits=(16, 2), compute="_compute_clock_variance",
        help="Flat-rate minus clock hours: below 0, the job took longer than it is paid.",
    )

    @api.depends("labor_line_ids.guide_hours", "labor_line_ids.hours", "time_ids.hours")
    def _compute_clock_variance(self):
        for job in self:
            job.flat_rate_hours = sum(line.guide_hours or line.hours for line in job.labor_line_ids)
            job.clock_hours = sum(job.time_ids.mapped("hours"))
            job.clock_variance_hours = job.flat_rate_hours - job.clock_hours

    def action_clock_start(self):
        """The current user starts the clock on the jobs (one running clock per technician and job)."""
        self.env["warranty.repair.job.time"]._check_workshop()
        running = self.time_ids.filtered(lambda entry: entry.technician_id == self.env.user and not entry.date_stop)
        if running:
            raise UserError(_(
                "Your clock already runs on job %(job)s: stop it first.", job=running[0].job_id.display_name,
            ))
        now = fields.Datetime.now()
        self.env["warranty.repair.job.time"].create([
            {"job_id": job.id, "technician_id": self.env.user.id, "date_start": now} for job in self
        ])
        return True

    def action_clock_stop(self):
        """The current user stops the clocks running on the jobs."""
        running = self.time_ids.filtered(lambda entry: entry.technician_id == self.env.user and not entry.date_stop)
        if not running:
            raise UserError(_("Your clock does not run on these jobs."))
        running.write({"date_stop": fields.Datetime.now()})
        return True

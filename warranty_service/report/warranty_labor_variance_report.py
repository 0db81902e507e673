from odoo import fields, models, tools
from odoo.tools import SQL


class WarrantyLaborVarianceReport(models.Model):
    """Flat-rate against clock hours per job and technician: each labour line counts its flat-rate hours, each
    clock time its hours; summed by job or technician, the variance is the difference."""

    _name = "warranty.labor.variance.report"
    _description = "Flat-Rate vs Clock Time"
    _auto = False
    _order = "date desc"
    _depends = {
        "warranty.repair.labor": ["guide_hours", "hours", "user_id", "job_id", "repair_id", "operation_id"],
        "warranty.repair.job.time": ["hours", "technician_id", "job_id", "date_start"],
        "repair.order": ["schedule_date", "company_id"],
    }

    job_id = fields.Many2one("warranty.repair.job", string="Job", readonly=True)
    repair_id = fields.Many2one("repair.order", string="Repair Order", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    technician_id = fields.Many2one("res.users", string="Technician", readonly=True)
    operation_id = fields.Many2one("warranty.labor.operation", string="Operation", readonly=True)
    date = fields.Date(readonly=True)
    flat_rate_hours = fields.Float(string="Flat-Rate Hours", readonly=True)
    clock_hours = fields.Float(readonly=True)
    variance_hours = fields.Float(string="Variance (h)", readonly=True,
                                  help="Flat-rate minus clock hours: below 0, the work took longer than it is paid.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %s AS (
                SELECT labor.id * 2 AS id, labor.job_id, labor.repair_id, labor.company_id,
                       labor.user_id AS technician_id, labor.operation_id, repair.schedule_date::date AS date,
                       COALESCE(NULLIF(labor.guide_hours, 0), labor.hours) AS flat_rate_hours, 0.0 AS clock_hours,
                       COALESCE(NULLIF(labor.guide_hours, 0), labor.hours) AS variance_hours
                  FROM warranty_repair_labor labor
                  JOIN repair_order repair ON repair.id = labor.repair_id
                 WHERE labor.job_id IS NOT NULL
                UNION ALL
                SELECT entry.id * 2 + 1, entry.job_id, entry.repair_id, entry.company_id, entry.technician_id,
                       NULL, entry.date_start::date, 0.0, entry.hours, -entry.hours
                  FROM warranty_repair_job_time entry
            )
            """,
            SQL.identifier(self._table),
        ))

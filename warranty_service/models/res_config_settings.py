from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    warranty_manager_user_id = fields.Many2one(related="company_id.warranty_manager_user_id", readonly=False)
    warranty_requisition_approval_limit = fields.Monetary(
        related="company_id.warranty_requisition_approval_limit", readonly=False, currency_field="company_currency_id",
    )
    warranty_parts_account_id = fields.Many2one(
        related="company_id.warranty_parts_account_id", readonly=False,
    )
    warranty_labor_account_id = fields.Many2one(
        related="company_id.warranty_labor_account_id", readonly=False,
    )
    warranty_accrual_account_id = fields.Many2one(related="company_id.warranty_accrual_account_id", readonly=False)
    warranty_writeoff_account_id = fields.Many2one(related="company_id.warranty_writeoff_account_id", readonly=False)
    warranty_journal_id = fields.Many2one(related="company_id.warranty_journal_id", readonly=False)
    warranty_alert_min_cases = fields.Integer(related="company_id.warranty_alert_min_cases", readonly=False)
    warranty_alert_min_rate = fields.Float(related="company_id.warranty_alert_min_rate", readonly=False)
    warranty_alert_days = fields.Integer(related="company_id.warranty_alert_days", readonly=False)
    warranty_complaint_deadline_days = fields.Integer(
        related="company_id.warranty_complaint_deadline_days", readonly=False,
    )
    # Repair jobs
    warranty_comeback_months = fields.Integer(related="company_id.warranty_comeback_months", readonly=False)
    warranty_internal_expense_account_id = fields.Many2one(
        related="company_id.warranty_internal_expense_account_id", readonly=False,
    )
    warranty_goodwill_expense_account_id = fields.Many2one(
        related="company_id.warranty_goodwill_expense_account_id", readonly=False,
    )
    warranty_job_cost_account_id = fields.Many2one(related="company_id.warranty_job_cost_account_id", readonly=False)
    warranty_job_journal_id = fields.Many2one(related="company_id.warranty_job_journal_id", readonly=False)
    # Month-end of the claims receivable (issue 15)
    warranty_short_pay_account_id = fields.Many2one(related="company_id.warranty_short_pay_account_id", readonly=False)
    warranty_chargeback_account_id = fields.Many2one(
        related="company_id.warranty_chargeback_account_id", readonly=False,
    )
    warranty_allowance_account_id = fields.Many2one(related="company_id.warranty_allowance_account_id", readonly=False)
    warranty_allowance_expense_account_id = fields.Many2one(
        related="company_id.warranty_allowance_expense_account_id", readonly=False,
    )
    warranty_allowance_days = fields.Integer(related="company_id.warranty_allowance_days", readonly=False)

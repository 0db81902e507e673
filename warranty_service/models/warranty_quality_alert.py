from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError


class WarrantyQualityAlert(models.Model):
    _name = "warranty.quality.alert"
    _description = "Systematic Defect Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Alert", compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    product_tmpl_id = fields.Many2one("product.template", string="Model", required=True, index=True, check_company=True)
    defect_code_id = fields.Many2one(
        "warranty.defect.code", string="Defect Code", required=True, index=True, check_company=True,
    )
    manufacturer_id = fields.Many2one(related="product_tmpl_id.warranty_manufacturer_id", store=True)
    date_from = fields.Date(string="Period Start", required=True)
    date_to = fields.Date(string="Period End", required=True)
    case_count = fields.Integer(string="Failures", required=True)
    units_sold = fields.Integer(
        string="Units Registered",
        required=True,
        help="Units of the model with a registration (active or expired) at the end of the period.",
    )
    failure_rate = fields.Float(string="Failures per 100 Units", digits=(16, 2), required=True)
    repair_ids = fields.Many2many("repair.order", string="Repairs", check_company=True)
    state = fields.Selection(
        [("open", "Open"), ("proposed", "Proposal Sent"), ("closed", "Closed")],
        default="open", required=True, readonly=True, tracking=True,
        help="Open: a defect repeats above the thresholds; the manager investigates.\n"
        "Proposal Sent: a proposal to cut or withdraw the product went to the manufacturer or production.\n"
        "Closed: handled; the same defect on the same model may alert again.",
    )
    conclusion = fields.Text(tracking=True)

    _sql_constraints = [
        # The same model and defect never alert twice while an alert is open
        (
            "one_open_alert",
            "EXCLUDE (company_id WITH =, product_tmpl_id WITH =, defect_code_id WITH =) WHERE (state != 'closed')",
            "This defect already has an open alert on this model.",
        ),
    ]

    @api.depends("product_tmpl_id", "defect_code_id")
    def _compute_name(self):
        for alert in self:
            alert.name = f"{alert.product_tmpl_id.name or ''} / {alert.defect_code_id.display_name or ''}"

    def write(self, vals):
        if "state" in vals and not self.env.su:
            raise UserError(_("An alert moves on with its buttons (Proposal Sent, Close), not by editing its status."))
        return super().write(vals)

    def action_mark_proposed(self):
        """The proposal to cut or withdraw the product was sent."""
        self._check_manager()
        not_open = self.filtered(lambda alert: alert.state != "open")
        if not_open:
            raise UserError(_(
                "Alert %(alert)s is not open: a proposal is sent once, for an open alert.", alert=not_open[0].name,
            ))
        # sudo: the status is written only by these actions (write() refuses it otherwise); the
        # caller's group and the step were checked above
        self.sudo().write({"state": "proposed"})
        return True

    def action_close(self):
        """The alert was handled."""
        self._check_manager()
        closed = self.filtered(lambda alert: alert.state == "closed")
        if closed:
            raise UserError(_("Alert %(alert)s is already closed.", alert=closed[0].name))
        # sudo: as in action_mark_proposed
        self.sudo().write({"state": "closed"})
        return True

    def action_print_proposal(self):
        """Print the proposal to cut or withdraw the product."""
        return self.env.ref("warranty_service.action_report_quality_proposal").report_action(self)

    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_manager"):
            raise AccessError(_("Only a Warranty Manager handles systematic defect alerts."))

    @api.model
    def _cron_detect_systematic_defects(self):
        """Daily: alert on every model and defect code above the company's thresholds."""
        for company in self.env["res.company"].search([]):
            self.with_company(company).sudo()._detect_systematic_defects(company)  # sudo: run by the scheduler

    def action_detect_now(self):
        """Look for systematic defects now."""
        self._detect_systematic_defects(self.env.company)
        return self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_quality_alert_action")

    @api.model
    def _detect_systematic_defects(self, company):
        min_cases = company.warranty_alert_min_cases
        min_rate = company.warranty_alert_min_rate
        days = company.warranty_alert_days
        if not min_cases or not days:
            return self
        date_to = fields.Date.context_today(self)
        date_from = date_to - timedelta(days=days)
        # One grouped read of the failures, one of the units sold: no search per model
        failures = self.env["warranty.defect.register"]._read_group(
            [("company_id", "=", company.id), ("date", ">=", date_from), ("date", "<=", date_to)],
            ["product_tmpl_id", "defect_code_id"], ["failure_count:sum", "repair_id:array_agg"],
        )
        candidates = [(tmpl, defect, count, repairs) for tmpl, defect, count, repairs in failures if count >= min_cases]
        if not candidates:
            return self
        templates = self.env["product.template"].union(*(c[0] for c in candidates))
        sold = {}
        for product, count in self.env["warranty.registration"]._read_group(
            [("company_id", "=", company.id), ("product_id.product_tmpl_id", "in", templates.ids),
             ("is_void", "=", False), ("date_start", "<=", date_to)],
            ["product_id"], ["__count"],
        ):
            sold[product.product_tmpl_id] = sold.get(product.product_tmpl_id, 0) + count
        open_alerts = self.search_fetch(
            [("company_id", "=", company.id), ("state", "!=", "closed")], ["product_tmpl_id", "defect_code_id"],
        )
        already = {(a.product_tmpl_id.id, a.defect_code_id.id) for a in open_alerts}
        vals_list = []
        for tmpl, defect, count, repair_ids in candidates:
            units = sold.get(tmpl, 0)
            rate = 100.0 * count / units if units else 100.0
            if rate < min_rate or (tmpl.id, defect.id) in already:
                continue
            vals_list.append({
                "company_id": company.id, "product_tmpl_id": tmpl.id, "defect_code_id": defect.id,
                "date_from": date_from, "date_to": date_to, "case_count": count, "units_sold": units,
                "failure_rate": rate, "repair_ids": [Command.set(list(set(repair_ids)))],
            })
        alerts = self.create(vals_list)
        manager = self.env["repair.order"].with_company(company)._get_warranty_manager()
        for alert in alerts:
            alert.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=_("Systematic defect: %(alert)s", alert=alert.name),
                note=_("%(count)s failures (%(rate).1f per 100 units) in %(days)s days: investigate, and propose "
                       "to cut or withdraw the product if needed.", count=alert.case_count, rate=alert.failure_rate,
                       days=days),
                user_id=manager.id,
            )
        return alerts

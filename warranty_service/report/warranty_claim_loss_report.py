from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.warranty_claim_reason_code import REASON_CATEGORY_SELECTION
from ..models.warranty_claim_validation_rule import CLAIM_TYPE_SELECTION, RULE_KIND_SELECTION


class WarrantyClaimLossReport(models.Model):
    """What the manufacturers did not pay: rejected claim lines and chargebacks, by reason code and technician."""

    _name = "warranty.claim.loss.report"
    _description = "Rejected and Charged-Back Claims"
    _auto = False
    _order = "date desc"
    _depends = {
        "warranty.claim": ["state", "submission_date", "repair_date", "manufacturer_id", "repair_id", "claim_type"],
        "warranty.claim.line": ["amount_rejected", "reason_code_id", "job_id", "labor_operation_id", "company_id"],
        "warranty.claim.chargeback.line": ["amount", "reason_code_id", "state", "technician_id", "date", "reason"],
        "warranty.claim.reason.code": ["category", "rule_kind"],
        "warranty.repair.job": ["technician_id"],
        "warranty.repair.labor": ["user_id", "repair_id", "sequence"],
    }

    source = fields.Selection(
        [("rejected", "Rejected"), ("charged_back", "Charged Back")], readonly=True,
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", readonly=True)
    claim_id = fields.Many2one("warranty.claim", string="Claim", readonly=True)
    claim_type = fields.Selection(CLAIM_TYPE_SELECTION, readonly=True)
    chargeback_id = fields.Many2one("warranty.claim.chargeback", string="Chargeback", readonly=True)
    date = fields.Date(readonly=True)
    reason_code_id = fields.Many2one("warranty.claim.reason.code", string="Reason Code", readonly=True)
    category = fields.Selection(REASON_CATEGORY_SELECTION, readonly=True)
    rule_kind = fields.Selection(
        RULE_KIND_SELECTION, string="Would Have Been Caught By", readonly=True,
        help="The pre-validation check of the reason code: the rule that would have caught the claim before it "
        "went out.",
    )
    technician_id = fields.Many2one("res.users", string="Technician", readonly=True)
    labor_operation_id = fields.Many2one("warranty.labor.operation", string="Labour Operation", readonly=True)
    amount_rejected = fields.Monetary(string="Rejected", readonly=True)
    amount_charged_back = fields.Monetary(string="Charged Back", readonly=True)
    amount_lost = fields.Monetary(string="Lost", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Ids: the claim line's id times two, the chargeback line's times two plus one: stable and distinct
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %s AS (
                SELECT line.id * 2 AS id, 'rejected' AS source, line.company_id, claim.manufacturer_id,
                       claim.id AS claim_id, claim.claim_type, NULL::integer AS chargeback_id,
                       COALESCE(claim.submission_date, claim.repair_date) AS date, line.reason_code_id,
                       reason.category, reason.rule_kind,
                       COALESCE(job.technician_id, labour.user_id) AS technician_id, line.labor_operation_id,
                       line.amount_rejected, 0.0 AS amount_charged_back, line.amount_rejected AS amount_lost
                  FROM warranty_claim_line line
                  JOIN warranty_claim claim ON claim.id = line.claim_id
                  LEFT JOIN warranty_claim_reason_code reason ON reason.id = line.reason_code_id
                  LEFT JOIN warranty_repair_job job ON job.id = line.job_id
                  LEFT JOIN LATERAL (
                        SELECT labor.user_id FROM warranty_repair_labor labor
                         WHERE labor.repair_id = claim.repair_id ORDER BY labor.sequence, labor.id LIMIT 1
                  ) labour ON TRUE
                 WHERE line.amount_rejected > 0
                   AND claim.state IN ('accepted', 'partially_accepted', 'rejected', 'paid')
                UNION ALL
                SELECT chargeback_line.id * 2 + 1, 'charged_back', chargeback_line.company_id,
                       chargeback_line.manufacturer_id, chargeback_line.claim_id, claim.claim_type,
                       chargeback_line.chargeback_id, chargeback_line.date, chargeback_line.reason_code_id,
                       COALESCE(reason.category, chargeback_line.reason), reason.rule_kind,
                       chargeback_line.technician_id, chargeback_line.labor_operation_id,
                       0.0, chargeback_line.amount, chargeback_line.amount
                  FROM warranty_claim_chargeback_line chargeback_line
                  JOIN warranty_claim claim ON claim.id = chargeback_line.claim_id
                  LEFT JOIN warranty_claim_reason_code reason ON reason.id = chargeback_line.reason_code_id
                 WHERE chargeback_line.state IN ('posted', 'disputed')
            )
            """,
            SQL.identifier(self._table),
        ))

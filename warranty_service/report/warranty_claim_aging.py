from odoo import fields, models, tools


class WarrantyClaimAging(models.Model):
    """What manufacturers still owe, by age since the claim was submitted: computed at query time."""

    _name = "warranty.claim.aging"
    _description = "Warranty Receivables Aging"
    _auto = False
    _order = "days desc"
    # Flushed before the view is read, so pending changes of claims are seen
    _depends = {
        "warranty.claim": ["manufacturer_id", "company_id", "submission_date", "reimbursement_state", "state",
                           "amount_open", "amount_allowance"],
        "res.company": ["currency_id"],
    }

    claim_id = fields.Many2one("warranty.claim", string="Claim", readonly=True)
    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    submission_date = fields.Date(string="Submitted On", readonly=True)
    reimbursement_state = fields.Selection(
        [("not_invoiced", "Not Invoiced"), ("invoiced", "Invoiced"), ("partial", "Partially Paid"), ("paid", "Paid")],
        string="Reimbursement", readonly=True,
    )
    days = fields.Integer(string="Days Open", readonly=True, aggregator="max")
    age = fields.Selection(
        [("0_30", "0-30 days"), ("31_60", "31-60 days"), ("61_90", "61-90 days"), ("90_plus", "Over 90 days")],
        readonly=True,
    )
    amount_open = fields.Monetary(string="Still Owed", readonly=True, help="Gross: what the manufacturer owes.")
    amount_allowance = fields.Monetary(string="Allowance", readonly=True,
                                       help="Booked as doubtful at the last month-end.")
    amount_net = fields.Monetary(string="Net", readonly=True, help="Still owed less the allowance.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE OR REPLACE VIEW warranty_claim_aging AS (
                SELECT claim.id AS id,
                       claim.id AS claim_id,
                       claim.manufacturer_id,
                       claim.company_id,
                       company.currency_id,
                       claim.submission_date,
                       claim.reimbursement_state,
                       (CURRENT_DATE - claim.submission_date) AS days,
                       CASE WHEN CURRENT_DATE - claim.submission_date <= 30 THEN '0_30'
                            WHEN CURRENT_DATE - claim.submission_date <= 60 THEN '31_60'
                            WHEN CURRENT_DATE - claim.submission_date <= 90 THEN '61_90'
                            ELSE '90_plus' END AS age,
                       claim.amount_open,
                       COALESCE(claim.amount_allowance, 0) AS amount_allowance,
                       claim.amount_open - COALESCE(claim.amount_allowance, 0) AS amount_net
                  FROM warranty_claim claim
                  JOIN res_company company ON company.id = claim.company_id
                 WHERE claim.state IN ('accepted', 'partially_accepted')
                   AND claim.amount_open > 0
                   AND claim.submission_date IS NOT NULL
            )
        """)

from odoo import fields, models


class WarrantyRemittanceBooking(models.Model):
    """A line of a manufacturer's remittance booked on a claim: the remittance reference is booked once per claim.

    What a remittance import booked is kept here (row by row, in the transaction of its chunk for a file booked in
    the background), and the database refuses the same (company, remittance reference, claim) twice: re-importing a
    file, two imports of it at the same time, or a chunk run again after a restart, never pays a claim twice (a part
    payment leaves the claim open, so its state alone cannot tell).
    """

    _name = "warranty.remittance.booking"
    _description = "Booked Remittance Line"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    claim_id = fields.Many2one("warranty.claim", string="Claim", required=True, readonly=True, index=True,
                               ondelete="cascade", check_company=True)
    reference = fields.Char(string="Remittance Reference", readonly=True,
                            help="The manufacturer's payment reference in the remittance file (else the file's).")
    amount = fields.Float(string="Paid", readonly=True)
    date = fields.Date(readonly=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True, check_company=True, index="btree_not_null")

    _sql_constraints = [
        ("reference_claim_uniq", "UNIQUE(company_id, reference, claim_id)",
         "This remittance reference is already booked on this claim."),
    ]

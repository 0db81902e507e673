from odoo import _, api, fields, models


class WarrantyRemittanceImport(models.TransientModel):
    _name = "warranty.remittance.import"
    _inherit = "warranty.csv.import.mixin"
    _description = "Import a Manufacturer's Remittance"
    # The columns of the manufacturer's remittance file; the README documents them
    _csv_columns = ["claim_number", "revision", "amount_paid", "payment_reference", "date"]
    _csv_label = "remittance"

    journal_id = fields.Many2one(
        "account.journal", string="Received In", required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    row_ids = fields.One2many("warranty.remittance.import.row", "wizard_id", string="Rows")
    error_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Float(string="Total Paid", compute="_compute_totals")

    @api.depends("row_ids.status", "row_ids.amount_paid")
    def _compute_totals(self):
        for wizard in self:
            wizard.error_count = len(wizard.row_ids.filtered(lambda row: row.status == "error"))
            wizard.amount_total = sum(wizard.row_ids.mapped("amount_paid"))

    def action_apply(self):
        """Register the payment against the claims' invoices: all rows or none."""
        self._check_rows_applicable()
        amounts = {}
        for row in self.row_ids:
            amounts[row.invoice_id] = amounts.get(row.invoice_id, 0.0) + row.amount_paid
        references = ", ".join(sorted(set(filter(None, self.row_ids.mapped("payment_reference")))))
        payment_date = max(filter(None, self.row_ids.mapped("payment_date")), default=fields.Date.context_today(self))
        # One payment per invoice, all with the remittance's reference: partial amounts stay exact
        for invoice, amount in amounts.items():
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({
                "journal_id": self.journal_id.id,
                "amount": amount,
                "payment_date": payment_date,
                "communication": references or invoice.name,
            })._create_payments()
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.claim",
            "name": _("Reconciled Claims"),
            "view_mode": "list,form",
            # A fresh page: not stacked on whatever screen the import dialog was opened from
            "target": "main",
            "domain": [("id", "in", self.row_ids.claim_id.ids)],
        }

    def _check_row(self, row, vals, claim, seen):
        vals["payment_reference"] = (row.get("payment_reference") or "").strip()
        try:
            revision = int((row.get("revision") or "0").strip())
            amount = float((row.get("amount_paid") or "").strip())
            date = fields.Date.to_date((row.get("date") or "").strip() or None)
        except ValueError:
            return _("The revision, amount or date (YYYY-MM-DD) is not valid.")
        vals.update(amount_paid=amount, payment_date=date)
        if revision != claim.revision:
            return _("Claim %(number)s is at revision %(current)s, the remittance pays revision %(revision)s.",
                     number=claim.name, current=claim.revision, revision=revision)
        # After a resubmission a claim may have several invoices: pay the oldest one still open
        invoice = claim.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
            and not m.currency_id.is_zero(m.amount_residual)
        ).sorted(lambda m: (m.invoice_date or m.date, m.id))[:1]
        if not invoice:
            return _("Claim %(number)s has no posted invoice to pay.", number=claim.name)
        vals["invoice_id"] = invoice.id
        if claim.id in seen:
            return _("Claim %(number)s is paid twice in the remittance.", number=claim.name)
        seen.add(claim.id)
        if amount <= 0 or claim.currency_id.compare_amounts(amount, claim.amount_open) > 0:
            return _("%(amount)s paid on claim %(number)s, where %(open)s is open.",
                     amount=amount, number=claim.name, open=claim.amount_open)
        return False


class WarrantyRemittanceImportRow(models.TransientModel):
    _name = "warranty.remittance.import.row"
    _inherit = "warranty.csv.import.row.mixin"
    _description = "Row of a Manufacturer's Remittance"

    wizard_id = fields.Many2one("warranty.remittance.import", required=True, ondelete="cascade")
    claim_number = fields.Char(string="Claim")
    claim_id = fields.Many2one("warranty.claim", string="Claim Record")
    invoice_id = fields.Many2one("account.move", string="Invoice")
    amount_paid = fields.Float(string="Paid")
    payment_reference = fields.Char()
    payment_date = fields.Date(string="Date")

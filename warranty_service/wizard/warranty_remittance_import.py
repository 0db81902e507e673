import base64
import csv
import io

from odoo import Command, _, fields, models
from odoo.exceptions import UserError

# The columns of the manufacturer's remittance file; the README documents them
REMITTANCE_COLUMNS = ["claim_number", "revision", "amount_paid", "payment_reference", "date"]


class WarrantyRemittanceImport(models.TransientModel):
    _name = "warranty.remittance.import"
    _description = "Import a Manufacturer's Remittance"

    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True)
    journal_id = fields.Many2one(
        "account.journal", string="Received In", required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    data = fields.Binary(string="Remittance File", required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("preview", "Preview")], default="upload", required=True)
    row_ids = fields.One2many("warranty.remittance.import.row", "wizard_id", string="Rows")
    error_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Float(string="Total Paid", compute="_compute_totals")

    def _compute_totals(self):
        for wizard in self:
            wizard.error_count = len(wizard.row_ids.filtered(lambda row: row.status == "error"))
            wizard.amount_total = sum(wizard.row_ids.mapped("amount_paid"))

    def action_preview(self):
        """Match every row to its claim and invoice, without posting anything."""
        self.ensure_one()
        rows = self._parse_rows()
        self.row_ids = [Command.clear()] + [Command.create(vals) for vals in self._check_rows(rows)]
        self.state = "preview"
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "views": [(False, "form")], "target": "new"}

    def action_apply(self):
        """Register the payment against the claims' invoices: all rows or none."""
        self.ensure_one()
        if self.state != "preview":
            self.action_preview()
        if self.error_count:
            raise UserError(_(
                "The remittance has %(count)s row(s) that do not match: nothing was posted. "
                "Resolve them and import it again.", count=self.error_count,
            ))
        amounts = {}
        for row in self.row_ids:
            amounts[row.invoice_id] = amounts.get(row.invoice_id, 0.0) + row.amount_paid
        references = ", ".join(sorted(set(filter(None, self.row_ids.mapped("payment_reference")))))
        payment_date = max(self.row_ids.mapped("payment_date")) or fields.Date.context_today(self)
        for invoice, amount in amounts.items():
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids,
            ).create({
                "journal_id": self.journal_id.id,
                "amount": amount,
                "payment_date": payment_date,
                "communication": references or invoice.name,
            })._create_payments()
        claims = self.row_ids.claim_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.claim",
            "name": _("Reconciled Claims"),
            "view_mode": "list,form",
            "domain": [("id", "in", claims.ids)],
        }

    def _parse_rows(self):
        try:
            text = base64.b64decode(self.data).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError):
            raise UserError(_("The remittance is not a UTF-8 text (CSV) file."))
        reader = csv.DictReader(io.StringIO(text))
        missing = [column for column in REMITTANCE_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise UserError(_(
                "The remittance lacks the column(s) %(missing)s. Expected: %(expected)s.",
                missing=", ".join(missing), expected=", ".join(REMITTANCE_COLUMNS),
            ))
        return list(reader)

    def _check_rows(self, rows):
        names = {(row.get("claim_number") or "").strip() for row in rows}
        claims = self.env["warranty.claim"].search([("name", "in", list(names))])
        claim_by_name = {claim.name: claim for claim in claims}
        seen = set()
        result = []
        for number, row in enumerate(rows, start=2):
            vals = {
                "row_number": number,
                "claim_number": (row.get("claim_number") or "").strip(),
                "payment_reference": (row.get("payment_reference") or "").strip(),
                "status": "ok",
            }
            error = self._check_row(row, vals, claim_by_name, seen)
            if error:
                vals.update(status="error", message=error)
            result.append(vals)
        return result

    def _check_row(self, row, vals, claim_by_name, seen):
        claim = claim_by_name.get(vals["claim_number"])
        if not claim:
            return _("Unknown claim %(number)s.", number=vals["claim_number"] or "-")
        vals["claim_id"] = claim.id
        if claim.manufacturer_id != self.manufacturer_id:
            return _("Claim %(number)s was made to %(other)s.", number=claim.name, other=claim.manufacturer_id.name)
        try:
            revision = int((row.get("revision") or "0").strip())
            amount = float((row.get("amount_paid") or "").strip())
            date = fields.Date.to_date((row.get("date") or "").strip()) if (row.get("date") or "").strip() else False
        except ValueError:
            return _("The revision, amount or date (YYYY-MM-DD) is not valid.")
        vals.update(amount_paid=amount, payment_date=date)
        if revision != claim.revision:
            return _("Claim %(number)s is at revision %(current)s, the remittance pays revision %(revision)s.",
                     number=claim.name, current=claim.revision, revision=revision)
        invoice = claim.invoice_ids.filtered(lambda m: m.state == "posted" and m.move_type == "out_invoice")[:1]
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
    _description = "Row of a Manufacturer's Remittance"
    _order = "status desc, row_number"

    wizard_id = fields.Many2one("warranty.remittance.import", required=True, ondelete="cascade")
    row_number = fields.Integer(string="Row")
    claim_number = fields.Char(string="Claim")
    claim_id = fields.Many2one("warranty.claim", string="Claim Record")
    invoice_id = fields.Many2one("account.move", string="Invoice")
    amount_paid = fields.Float(string="Paid")
    payment_reference = fields.Char(string="Payment Reference")
    payment_date = fields.Date(string="Date")
    status = fields.Selection([("ok", "OK"), ("error", "Error")], required=True, default="ok")
    message = fields.Char(string="Problem")

import base64
import csv
import io
from collections import defaultdict

from odoo import Command, _, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

# The columns the manufacturer's decision file must have; the README documents them
IMPORT_COLUMNS = ["claim_number", "revision", "line_ref", "accepted_amount", "rejection_code", "manufacturer_reference"]


class WarrantyClaimImport(models.TransientModel):
    _name = "warranty.claim.import"
    _description = "Import a Manufacturer's Decision File"

    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True)
    data = fields.Binary(string="Decision File", required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("preview", "Preview")], default="upload", required=True)
    row_ids = fields.One2many("warranty.claim.import.row", "wizard_id", string="Rows")
    error_count = fields.Integer(compute="_compute_error_count")

    def _compute_error_count(self):
        for wizard in self:
            wizard.error_count = len(wizard.row_ids.filtered(lambda row: row.status == "error"))

    def action_preview(self):
        """Read the file and show what each row would do, without changing anything."""
        self.ensure_one()
        rows = self._parse_rows()
        self.row_ids = [Command.clear()] + [Command.create(vals) for vals in self._check_rows(rows)]
        self.state = "preview"
        return self._reopen()

    def action_apply(self):
        """Apply the decisions: all rows or none."""
        self.ensure_one()
        if self.state != "preview":
            self.action_preview()
        if self.error_count:
            raise UserError(_(
                "The file has %(count)s row(s) in error: nothing was changed. Correct the file and import it again.",
                count=self.error_count,
            ))
        rows_by_claim = defaultdict(list)
        for row in self.row_ids:
            rows_by_claim[row.claim_id].append(row)
        accepted = self.env["warranty.claim"]
        rejected = self.env["warranty.claim"]
        for claim, rows in rows_by_claim.items():
            for row in rows:
                row.claim_line_id.write({"amount_accepted": row.accepted_amount, "rejection_code": row.rejection_code})
            reference = next((row.manufacturer_reference for row in rows if row.manufacturer_reference), False)
            if reference:
                claim.manufacturer_reference = reference
            if claim.currency_id.is_zero(sum(row.accepted_amount for row in rows)):
                rejected |= claim
            else:
                accepted |= claim
        accepted.action_accept()
        for claim in rejected:
            codes = ", ".join(sorted({code for code in claim.line_ids.mapped("rejection_code") if code}))
            claim.action_reject(_("Rejected in the manufacturer's decision file (%(codes)s).", codes=codes or "-"))
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.claim",
            "name": _("Decided Claims"),
            "view_mode": "list,form",
            "domain": [("id", "in", (accepted | rejected).ids)],
        }

    # Helpers

    def _reopen(self):
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
                "views": [(False, "form")], "target": "new"}

    def _parse_rows(self):
        try:
            text = base64.b64decode(self.data).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError):
            raise UserError(_("The decision file is not a UTF-8 text (CSV) file."))
        reader = csv.DictReader(io.StringIO(text))
        missing = [column for column in IMPORT_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise UserError(_(
                "The decision file lacks the column(s) %(missing)s. Expected: %(expected)s.",
                missing=", ".join(missing), expected=", ".join(IMPORT_COLUMNS),
            ))
        return list(reader)

    def _check_rows(self, rows):
        """Values of the preview rows: each with its claim line, or the reason it cannot be applied."""
        names = {(row.get("claim_number") or "").strip() for row in rows}
        claims = self.env["warranty.claim"].search([("name", "in", list(names))])
        claim_by_name = {claim.name: claim for claim in claims}
        seen = set()
        result = []
        for number, row in enumerate(rows, start=2):  # line 1 is the header
            vals = {
                "row_number": number,
                "claim_number": (row.get("claim_number") or "").strip(),
                "line_ref": (row.get("line_ref") or "").strip(),
                "rejection_code": (row.get("rejection_code") or "").strip(),
                "manufacturer_reference": (row.get("manufacturer_reference") or "").strip(),
                "status": "ok",
            }
            error = self._check_row(row, vals, claim_by_name, seen)
            if error:
                vals.update(status="error", message=error)
            result.append(vals)
        # Every line of a decided claim needs a decision: a half-decided claim is refused
        decided_lines = defaultdict(set)
        for vals in result:
            if vals.get("claim_line_id"):
                decided_lines[vals["claim_id"]].add(vals["claim_line_id"])
        for claim_id, line_ids in decided_lines.items():
            claim = self.env["warranty.claim"].browse(claim_id)
            missing = claim.line_ids.filtered(lambda line: line.id not in line_ids)
            if missing:
                result.append({
                    "row_number": 0, "claim_number": claim.name, "line_ref": str(missing[0].id), "status": "error",
                    "message": _("Line %(ref)s of claim %(claim)s has no decision in the file.",
                                 ref=missing[0].id, claim=claim.name),
                })
        return result

    def _check_row(self, row, vals, claim_by_name, seen):
        claim = claim_by_name.get(vals["claim_number"])
        if not claim:
            return _("Unknown claim %(number)s.", number=vals["claim_number"] or "-")
        vals["claim_id"] = claim.id
        if claim.manufacturer_id != self.manufacturer_id:
            return _("Claim %(number)s was made to %(other)s, not to %(manufacturer)s.",
                     number=claim.name, other=claim.manufacturer_id.name, manufacturer=self.manufacturer_id.name)
        if claim.state != "submitted":
            return _("Claim %(number)s is not waiting for a decision.", number=claim.name)
        try:
            revision = int((row.get("revision") or "0").strip())
            accepted = float((row.get("accepted_amount") or "").strip())
        except ValueError:
            return _("The revision or the accepted amount is not a number.")
        if revision != claim.revision:
            return _("Claim %(number)s is at revision %(current)s, the file decides revision %(revision)s.",
                     number=claim.name, current=claim.revision, revision=revision)
        line = claim.line_ids.filtered(lambda l: str(l.id) == vals["line_ref"])
        if not line:
            return _("Claim %(number)s has no line %(ref)s.", number=claim.name, ref=vals["line_ref"] or "-")
        vals["claim_line_id"] = line.id
        vals["accepted_amount"] = accepted
        if (claim.id, line.id) in seen:
            return _("Line %(ref)s of claim %(number)s is decided twice in the file.", ref=line.id, number=claim.name)
        seen.add((claim.id, line.id))
        if accepted < 0 or float_compare(accepted, line.amount_claimed, precision_rounding=claim.currency_id.rounding) > 0:
            return _("%(accepted)s accepted on line %(ref)s of claim %(number)s, where %(claimed)s was claimed.",
                     accepted=accepted, ref=line.id, number=claim.name, claimed=line.amount_claimed)
        return False


class WarrantyClaimImportRow(models.TransientModel):
    _name = "warranty.claim.import.row"
    _description = "Row of a Manufacturer's Decision File"
    _order = "status desc, row_number"

    wizard_id = fields.Many2one("warranty.claim.import", required=True, ondelete="cascade")
    row_number = fields.Integer(string="Row")
    claim_number = fields.Char(string="Claim")
    line_ref = fields.Char(string="Line")
    claim_id = fields.Many2one("warranty.claim", string="Claim Record")
    claim_line_id = fields.Many2one("warranty.claim.line")
    accepted_amount = fields.Float(string="Accepted")
    rejection_code = fields.Char(string="Rejection Code")
    manufacturer_reference = fields.Char(string="Manufacturer Reference")
    status = fields.Selection([("ok", "OK"), ("error", "Error")], required=True, default="ok")
    message = fields.Char(string="Problem")

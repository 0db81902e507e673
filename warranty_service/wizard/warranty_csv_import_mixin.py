import base64
import csv
import io

from odoo import Command, _, fields, models
from odoo.exceptions import UserError


class WarrantyCsvImportMixin(models.AbstractModel):
    """A manufacturer's CSV file, previewed row by row and applied all or nothing."""

    _name = "warranty.csv.import.mixin"
    _description = "Manufacturer CSV Import"
    # Set by each import: its file's columns, and a name for it in messages
    _csv_columns = []
    _csv_label = "file"

    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True)
    data = fields.Binary(string="File", required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("preview", "Preview")], default="upload", required=True)

    def action_preview(self):
        """Read the file and show what each row would do, without changing anything."""
        self.ensure_one()
        row_values = self._preview_rows(self._parse_rows())
        row_values += self._check_file(row_values)
        self.row_ids = [Command.clear()] + [Command.create(vals) for vals in row_values]
        self.state = "preview"
        # The preview keeps the import's title (an action without a name is titled "Odoo") and is wide
        # enough for claim numbers and invoices
        return {"type": "ir.actions.act_window", "name": self.env["ir.model"]._get(self._name).name,
                "res_model": self._name, "res_id": self.id, "views": [(False, "form")], "target": "new",
                "context": {**self.env.context, "dialog_size": "extra-large"}}

    def _check_rows_applicable(self):
        """Preview if needed, then refuse to apply a file with any row in error."""
        self.ensure_one()
        if self.state != "preview":
            self.action_preview()
        errors = self.row_ids.filtered(lambda row: row.status == "error")
        if errors:
            raise UserError(_(
                "The %(file)s has %(count)s row(s) in error: nothing was changed. "
                "Correct it and import it again.", file=self._csv_label, count=len(errors),
            ))

    def _parse_rows(self):
        try:
            text = base64.b64decode(self.data).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError):
            raise UserError(_("The %(file)s is not a UTF-8 text (CSV) file.", file=self._csv_label)) from None
        reader = csv.DictReader(io.StringIO(text))
        missing = [column for column in self._csv_columns if column not in (reader.fieldnames or [])]
        if missing:
            raise UserError(_(
                "The %(file)s lacks the column(s) %(missing)s. Expected: %(expected)s.",
                file=self._csv_label, missing=", ".join(missing), expected=", ".join(self._csv_columns),
            ))
        return list(reader)

    def _preview_rows(self, rows):
        """Preview values of each row; by default each row is about a claim (decisions, remittances)."""
        claim_by_name = self._claims_by_name(rows)
        row_values = []
        seen = set()
        for number, row in enumerate(rows, start=2):  # line 1 is the header
            vals = {"row_number": number, "claim_number": (row.get("claim_number") or "").strip(), "status": "ok"}
            claim = claim_by_name.get(vals["claim_number"])
            error = self._check_claim(claim, vals) or self._check_row(row, vals, claim, seen)
            if error:
                vals.update(status="error", message=error)
            row_values.append(vals)
        return row_values

    def _claims_by_name(self, rows):
        # One search for the whole file
        names = {(row.get("claim_number") or "").strip() for row in rows}
        claims = self.env["warranty.claim"].search([("name", "in", list(names))])
        return {claim.name: claim for claim in claims}

    def _check_claim(self, claim, vals):
        if not claim:
            return _("Unknown claim %(number)s.", number=vals["claim_number"] or "-")
        vals["claim_id"] = claim.id
        if claim.manufacturer_id != self.manufacturer_id:
            return _("Claim %(number)s was made to %(other)s, not to %(manufacturer)s.",
                     number=claim.name, other=claim.manufacturer_id.name, manufacturer=self.manufacturer_id.name)
        return False

    def _check_row(self, row, vals, claim, seen):
        """The reason ``row`` cannot be applied, or False; fills ``vals`` for the preview."""
        raise NotImplementedError()

    def _check_file(self, row_values):
        """Preview rows for what is wrong with the file as a whole (none by default)."""
        return []


class WarrantyCsvImportRowMixin(models.AbstractModel):
    """A previewed row of an imported file: where it is in the file, and whether it can be applied."""

    _name = "warranty.csv.import.row.mixin"
    _description = "Row of an Imported Warranty File"
    _order = "status desc, row_number"

    row_number = fields.Integer(string="Row")
    status = fields.Selection([("ok", "OK"), ("error", "Error")], required=True, default="ok")
    message = fields.Char(string="Problem")

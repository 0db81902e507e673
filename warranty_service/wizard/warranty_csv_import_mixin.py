import base64
import csv
import io
import math

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# No claim, line nor remittance is worth this much: a larger figure is a broken file, not an amount
MAX_CSV_AMOUNT = 1e12


class WarrantyCsvImportMixin(models.AbstractModel):
    """A manufacturer's CSV file, previewed row by row and applied all or nothing."""

    _name = "warranty.csv.import.mixin"
    _description = "Manufacturer CSV Import"
    # Set by each import: its file's columns, and a name for it in messages
    _csv_columns = []
    _csv_label = "file"

    # Written by the actions only: what the file was read as, and whether it was applied
    _csv_action_fields = frozenset({"state", "row_ids"})

    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True)
    data = fields.Binary(string="File", required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Applied")], default="upload", required=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if {name for name, value in vals.items() if value and value != "upload"} & self._csv_action_fields:
                    raise AccessError(_("A new %(file)s import is read with Preview: its rows and state are not "
                                        "written by hand.", file=self._csv_label))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if self._csv_action_fields & set(vals):
                raise AccessError(_("The rows, state and entries of a %(file)s import are written by its actions "
                                    "(Preview, Apply) only.", file=self._csv_label))
            # Once read, the import is what was previewed: the screen shows it read-only, so does the server
            if self.filtered(lambda wizard: wizard.state != "upload"):
                raise UserError(_("This %(file)s was already read: it cannot be changed any more. Close it and "
                                  "import the file again.", file=self._csv_label))
        return super().write(vals)

    def action_preview(self):
        """Read the file and show what each row would do, without changing anything."""
        self.ensure_one()
        if self.state == "done":
            raise UserError(_("This %(file)s was already applied.", file=self._csv_label))
        row_values = self._preview_rows(self._parse_rows())
        row_values += self._check_file(row_values)
        # sudo: the rows and the state are the server's reading of the file, written by this action only
        self.sudo().write({
            "row_ids": [Command.clear()] + [Command.create(vals) for vals in row_values],
            "state": "preview",
        })
        # The preview keeps the import's title (an action without a name is titled "Odoo") and is wide
        # enough for claim numbers and invoices
        return {"type": "ir.actions.act_window", "name": self.env["ir.model"]._get(self._name).name,
                "res_model": self._name, "res_id": self.id, "views": [(False, "form")], "target": "new",
                "context": {**self.env.context, "dialog_size": "extra-large"}}

    def _lock_for_apply(self):
        """An import is applied once. Parallel clicks on Apply: the first takes the import's row; the others wait
        for it and, the row changed by the first (state Applied), fail to serialize: Odoo retries them in a fresh
        transaction, which sees the import applied and is refused with the message below."""
        self.ensure_one()
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE", SQL.identifier(self._table),
                                self.id))
        self.invalidate_recordset(["state"])
        if self.state == "done":
            raise UserError(_("This %(file)s was already applied: nothing was changed again.", file=self._csv_label))

    def _mark_applied(self):
        # sudo: the state is written by the actions only
        self.sudo().state = "done"

    def _check_rows_applicable(self):
        """Preview if needed, then refuse to apply a file with any row in error."""
        self._lock_for_apply()
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
            text = base64.b64decode(self.data or b"").decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError):
            raise UserError(_("The %(file)s is not a UTF-8 text (CSV) file.", file=self._csv_label)) from None
        if "\x00" in text:
            # No text holds a NUL character (PostgreSQL refuses it): the file is binary or damaged
            raise UserError(_(
                "Line %(line)s of the %(file)s contains a NUL character: it is not a CSV text file, nothing was "
                "imported. Save it again as CSV (UTF-8) and import it.",
                line=text.count("\n", 0, text.index("\x00")) + 1, file=self._csv_label,
            ))
        reader = csv.DictReader(io.StringIO(text))
        try:
            fieldnames = reader.fieldnames or []
            rows = list(reader)
        except csv.Error as error:
            raise UserError(_(
                "Line %(line)s of the %(file)s cannot be read as CSV (%(error)s): nothing was imported.",
                line=reader.line_num, file=self._csv_label, error=str(error),
            )) from None
        missing = [column for column in self._csv_columns if column not in fieldnames]
        if missing:
            raise UserError(_(
                "The %(file)s lacks the column(s) %(missing)s. Expected: %(expected)s.",
                file=self._csv_label, missing=", ".join(missing), expected=", ".join(self._csv_columns),
            ))
        return rows

    def _parse_amount(self, row, column, vals):
        """(the amount in ``column`` of ``row``, False), or (None, why it is not an amount) for the preview.

        ``float()`` reads "nan", "inf" and "1e308" too: none of them is money, and each would break the sums."""
        text = (row.get(column) or "").strip()
        try:
            amount = float(text)
        except ValueError:
            amount = None
        if amount is None or not math.isfinite(amount) or abs(amount) >= MAX_CSV_AMOUNT:
            return None, _(
                'Row %(row)s: "%(value)s" in column %(column)s is not an amount: write it with digits and a '
                "decimal point, e.g. 125.50.",
                row=vals.get("row_number"), value=text[:30], column=column,
            )
        return amount, False

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

    # The rows are the server's reading of the file (Preview): what is applied is what was read, so nobody
    # writes them by hand (their amounts, claims and status)
    @api.model_create_multi
    def create(self, vals_list):
        self._check_rows_by_action()
        return super().create(vals_list)

    def write(self, vals):
        self._check_rows_by_action()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_by_action_only(self):
        self._check_rows_by_action()

    def _check_rows_by_action(self):
        if not self.env.su:
            raise AccessError(_("The rows of an imported file are read from the file (Preview), not written by "
                                "hand."))

import base64
import csv
import io
import math
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# No claim, line nor remittance is worth this much: a larger figure is a broken file, not an amount
MAX_CSV_AMOUNT = 1e12
# A file of more rows than this is booked in the background (system parameter, 1,000 rows by default), in
# chunks of this many rows (each chunk one transaction, committed by the cron). A chunk of 2,000 remittance rows
# takes some 5 s; each chunk also costs about 0.3 s whatever its size, so chunks of 500 made a remittance of 10,000
# lines miss its 30 s (issue 26)
BACKGROUND_ROWS_PARAM = "warranty_service.import_background_rows"
CHUNK_ROWS_PARAM = "warranty_service.import_chunk_rows"
DEFAULT_BACKGROUND_ROWS = 1000
DEFAULT_CHUNK_ROWS = 2000
# The states of an import being booked in the background
BACKGROUND_STATES = ("queued", "running")


class WarrantyCsvImportMixin(models.AbstractModel):
    """A manufacturer's CSV file, previewed row by row and applied all or nothing."""

    _name = "warranty.csv.import.mixin"
    _description = "Manufacturer CSV Import"
    # Set by each import: its file's columns, and a name for it in messages
    _csv_columns = []
    _csv_label = "file"

    # The cron that books the large files of this import in the background (data/ir_cron_data.xml)
    _background_cron = None

    # Written by the actions only: what the file was read as, whether it was applied, and how far its booking is
    _csv_action_fields = frozenset({
        "state", "row_ids", "user_id", "row_count", "matched_count", "unmatched_count", "progress",
        "date_start", "date_done",
    })

    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True)
    data = fields.Binary(string="File", required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("queued", "Queued"), ("running", "In Progress"),
         ("done", "Applied"), ("failed", "Failed"), ("cancel", "Cancelled")],
        default="upload", required=True,
        help="Upload: the file is chosen. Preview: the file was read, nothing is booked yet.\n"
        "Queued: a large file waits to be booked in the background. In Progress: it is being booked, chunk by "
        "chunk.\nApplied: every row that could be booked is booked.\nFailed: some rows could not be booked (see "
        "their problem); the others are booked. Cancelled: stopped by the user; the rows booked stay booked.",
    )
    # The booking of the file (in the background for a large one): who started it, how far it is, what it did
    user_id = fields.Many2one("res.users", string="Started By", readonly=True)
    row_count = fields.Integer(string="Rows in the File", readonly=True)
    matched_count = fields.Integer(string="Rows Booked", readonly=True,
                                   help="Rows matched with their claim and booked.")
    unmatched_count = fields.Integer(
        string="Rows Not Matched", readonly=True,
        help="Rows whose claim no longer matched when their turn came (booked meanwhile, paid, decided): not "
        "booked, nothing booked twice.",
    )
    progress = fields.Float(string="Progress (%)", readonly=True, digits=(5, 1))
    date_start = fields.Datetime(string="Started On", readonly=True)
    date_done = fields.Datetime(string="Finished On", readonly=True)

    @api.depends("filename", "manufacturer_id")
    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = _("%(file)s of %(maker)s", file=wizard.filename or wizard._csv_label,
                                     maker=wizard.manufacturer_id.name or "-")

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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_background(self):
        if self.filtered(lambda wizard: wizard.state in BACKGROUND_STATES):
            raise UserError(_("This %(file)s is being booked in the background: cancel it before deleting it.",
                              file=self._csv_label))

    def action_preview(self):
        """Read the file and show what each row would do, without changing anything."""
        self.ensure_one()
        if self.state == "done":
            raise UserError(_("This %(file)s was already applied.", file=self._csv_label))
        if self.state not in ("upload", "preview"):
            raise UserError(_("This %(file)s was already queued for booking: it is not read again.",
                              file=self._csv_label))
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
        if self.state in BACKGROUND_STATES:
            raise UserError(_(
                "This %(file)s is being booked in the background (%(progress)s%% done): nothing was booked again.",
                file=self._csv_label, progress=round(self.progress),
            ))
        if self.state in ("failed", "cancel"):
            raise UserError(_("This %(file)s was stopped: use Resume to book the rows it has not booked, nothing "
                              "was booked again.", file=self._csv_label))

    def _mark_applied(self):
        # sudo: the state, the counters and the rows' outcome are written by the actions only
        self.sudo().row_ids.outcome = "booked"
        self.sudo().write({
            "state": "done", "user_id": self.env.user.id, "row_count": len(self.row_ids),
            "matched_count": len(self.row_ids), "progress": 100.0,
            "date_start": fields.Datetime.now(), "date_done": fields.Datetime.now(),
        })

    def _book_or_queue(self, title):
        """The end of Apply, once the file is checked: a large file is queued for the background, any other is booked
        now; then the claims it booked, titled ``title``."""
        if self._runs_in_background():
            return self._queue_background()
        self._without_jit()
        claims = self._book_rows(self.row_ids)
        self._mark_applied()
        return {
            "type": "ir.actions.act_window",
            "res_model": "warranty.claim",
            "name": title,
            "view_mode": "list,form",
            # A fresh page: not stacked on whatever screen the import dialog was opened from
            "target": "main",
            "domain": [("id", "in", claims.ids)],
        }

    @api.model
    def _without_jit(self):
        """No JIT compilation by PostgreSQL for the rest of this transaction (a booking).

        A remittance's payment line is reconciled with thousands of claims' lines, so the planner's statistics
        expect hundreds of partials on every line: the grouped queries of the booking (a few ms each) are then
        estimated costly enough for PostgreSQL to compile them first, some 0.5 s a query, 8 s of a remittance of
        10,000 lines (issue 26). As advised for Odoo servers in general (``jit = off``), for this transaction only.
        """
        self.env.cr.execute(SQL("SET LOCAL jit = off"))

    def _check_import_rights(self):
        """Raise AccessError unless the current user may book this import (start it, cancel it, resume it)."""
        raise NotImplementedError()

    def _book_rows(self, rows):
        """Book ``rows`` of this import (all of them, or a chunk): the booking code of the synchronous Apply and of
        the background chunks. Returns the claims booked."""
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # Large files: booked in the background, chunk by chunk
    # ------------------------------------------------------------------

    @api.model
    def _background_threshold(self):
        # sudo: a system parameter, read by every importer
        return self._int_param(BACKGROUND_ROWS_PARAM, DEFAULT_BACKGROUND_ROWS)

    @api.model
    def _int_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            return max(int(value), 1) if value else default
        except ValueError:
            return default

    def _runs_in_background(self):
        return len(self.row_ids) > self._background_threshold()

    def _queued_twice_domain(self):
        """Rows of other imports that would book the same as this one's (their claims; refined by each import)."""
        return [("claim_id", "in", self.row_ids.claim_id.ids)]

    def _queue_background(self):
        """Queue the import for the cron: nothing is booked now, the cron books it in committed chunks."""
        Row = self.env[self._fields["row_ids"].comodel_name]
        # sudo: another accountant's import of the same file counts, though its record is its own
        other = Row.sudo().search([
            ("wizard_id", "!=", self.id), ("wizard_id.state", "in", BACKGROUND_STATES),
            ("wizard_id.company_id", "=", self.company_id.id), ("outcome", "=", False),
            *self._queued_twice_domain(),
        ], limit=1)
        if other:
            raise UserError(_(
                "Claim %(number)s of this %(file)s is still being booked in the background by the import "
                "%(other)s (%(user)s): nothing was queued. Wait until it ends; what it booked is not booked twice.",
                number=other.claim_id.name, file=self._csv_label, other=other.wizard_id.display_name,
                user=other.wizard_id.user_id.name,
            ))
        # sudo: the state and the counters are written by the actions only
        self.sudo().write({
            "state": "queued", "user_id": self.env.user.id, "row_count": len(self.row_ids), "progress": 0.0,
            "matched_count": 0, "unmatched_count": 0, "date_start": False, "date_done": False,
        })
        self._message_log(body=_(
            "Queued: its %(rows)s rows are booked in the background, in chunks of %(chunk)s rows. You are told "
            "here when it ends.",
            rows=len(self.row_ids), chunk=self._int_param(CHUNK_ROWS_PARAM, DEFAULT_CHUNK_ROWS),
        ))
        self.env.ref(self._background_cron)._trigger()
        return {
            "type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id,
            "name": self.env["ir.model"]._get(self._name).name,
            "views": [(self.env.ref(f"warranty_service.{self._table}_view_form_background").id, "form")],
            # A page of its own, where the progress and the end message are shown
            "target": "main",
        }

    def action_cancel(self):
        """Stop a background import before its next chunk: the rows it booked stay booked, whole."""
        self._check_import_rights()
        for wizard in self:
            wizard._lock_row()
            if wizard.state not in BACKGROUND_STATES:
                raise UserError(_("Only an import being booked in the background is cancelled."))
            # sudo: the state is written by the actions only
            wizard.sudo().write({"state": "cancel", "date_done": fields.Datetime.now()})
            wizard._message_log(body=_(
                "Cancelled by %(user)s: %(booked)s of %(rows)s rows were booked and stay booked; the others were "
                "not booked. Resume books them.",
                user=self.env.user.name, booked=wizard.matched_count, rows=wizard.row_count,
            ))
        return True

    def action_resume(self):
        """Queue again the rows a stopped import has not booked (in error, or not reached)."""
        self._check_import_rights()
        for wizard in self:
            wizard._lock_row()
            if wizard.state not in ("failed", "cancel"):
                raise UserError(_("Only a failed or cancelled import is resumed."))
            # sudo: the rows' outcome and the state are written by the actions only
            wizard.sudo().row_ids.filtered(lambda row: row.outcome == "error").write(
                {"outcome": False, "status": "ok", "message": False})
            wizard.sudo().write({"state": "queued", "date_done": False})
            wizard._message_log(body=_("Resumed by %(user)s.", user=self.env.user.name))
        self.env.ref(self._background_cron)._trigger()
        return True

    def _lock_row(self):
        self.env.cr.execute(SQL("SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE", SQL.identifier(self._table),
                                self.id))
        self.invalidate_recordset()

    @api.model
    def _cron_process_background_imports(self):
        """One chunk of the oldest import waiting in the background. The cron commits it, and runs again at once
        while rows remain (``_notify_progress``): a restart resumes from the rows not booked."""
        self._without_jit()
        # sudo: the cron serves every importer's queue; each chunk then runs as the user who started the import
        queue = self.sudo().search([("state", "in", BACKGROUND_STATES)], order="id")
        done = 0
        if queue:
            try:
                with self.env.cr.savepoint():
                    done = queue[:1]._process_background_chunk()
            except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
                # A claim of the chunk was changed at the same moment: nothing of the chunk is kept; the cron tries
                # it again in a minute rather than at its next hourly run
                self.env.invalidate_all(flush=False)
                self.env.ref(self._background_cron)._trigger(fields.Datetime.now() + timedelta(minutes=1))
        Row = self.env[self._fields["row_ids"].comodel_name].sudo()
        remaining = Row.search_count([("wizard_id", "in", queue.ids), ("wizard_id.state", "in", BACKGROUND_STATES),
                                      ("outcome", "=", False)])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return True

    def _background_rows(self):
        """The next chunk: rows not booked yet, in the file's order, with every other row of their claims (a claim is
        decided, or paid, whole)."""
        Row = self.env[self._fields["row_ids"].comodel_name]
        domain = [("wizard_id", "=", self.id), ("outcome", "=", False)]
        rows = Row.search(domain, order="row_number, id", limit=self._int_param(CHUNK_ROWS_PARAM, DEFAULT_CHUNK_ROWS))
        if rows:
            rows |= Row.search(domain + [("claim_id", "in", rows.claim_id.ids), ("id", "not in", rows.ids)])
        return rows

    def _process_background_chunk(self):
        """Book the next chunk of this import, in this transaction, as the user who started it. Returns the number
        of rows it processed."""
        self.ensure_one()
        self._lock_row()
        if self.state not in BACKGROUND_STATES:
            return 0
        if self.state == "queued":
            self.write({"state": "running", "date_start": self.date_start or fields.Datetime.now()})
        importer = self.with_user(self.user_id).with_company(self.company_id)
        rows = self._background_rows()
        try:
            with self.env.cr.savepoint():
                importer._check_import_rights()
                unmatched = importer._background_unmatched(rows.with_env(importer.env))
                to_book = rows.filtered(lambda row: row.id not in unmatched)
                if to_book:
                    importer._book_rows(to_book.with_env(importer.env))
                to_book.write({"outcome": "booked"})
        except UserError as error:
            # The chunk is refused whole (a setting, a locked period, the user's rights): nothing of it is booked,
            # its rows say why and Resume books them once it is mended
            self.env.invalidate_all(flush=False)
            unmatched = {}
            rows.write({"outcome": "error", "status": "error", "message": str(error.args[0])[:500]})
        for row in rows.filtered(lambda row: row.id in unmatched):
            row.write({"outcome": "unmatched", "message": unmatched[row.id]})
        self._update_background_counters()
        # At least one task done (the import finished, if it had no row left): the cron goes on with the next one
        return len(rows) or 1

    def _update_background_counters(self):
        Row = self.env[self._fields["row_ids"].comodel_name]
        counts = dict(Row._read_group([("wizard_id", "=", self.id)], ["outcome"], ["__count"]))
        processed = sum(count for outcome, count in counts.items() if outcome)
        self.write({
            "matched_count": counts.get("booked", 0), "unmatched_count": counts.get("unmatched", 0),
            "progress": 100.0 * processed / (self.row_count or 1),
        })
        if not counts.get(False):
            self._finish_background(counts.get("error", 0))

    def _finish_background(self, errors):
        """The end: the state says whether every row could be booked; the importer is told, with a to-do if rows
        need a look."""
        self.write({"state": "failed" if errors else "done", "progress": 100.0, "date_done": fields.Datetime.now()})
        summary = _(
            "Finished: %(booked)s of %(rows)s rows booked, %(unmatched)s not matched, %(errors)s in error.",
            booked=self.matched_count, rows=self.row_count, unmatched=self.unmatched_count, errors=errors,
        )
        self.message_post(body=summary, partner_ids=self.user_id.partner_id.ids)
        if errors or self.unmatched_count:
            self.activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.user_id.id,
                summary=_("Rows of the %(file)s not booked", file=self._csv_label),
                note=_("%(summary)s The rows not booked say why; Resume books the rows in error once mended.",
                       summary=summary),
            )

    def _background_unmatched(self, rows):
        """{row id: why} for the rows whose claim no longer matches them (booked meanwhile, decided, paid)."""
        return {}

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
    # Set in the transaction that booked the row (or found it could not be): a restart resumes from the others
    outcome = fields.Selection(
        [("booked", "Booked"), ("unmatched", "Not Matched"), ("error", "Not Booked")], readonly=True, index=True,
    )

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

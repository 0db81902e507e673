from collections import defaultdict

from psycopg2 import errors as pg_errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .warranty_csv_import_mixin import WarrantyCsvImportMixin


class WarrantyRemittanceImport(models.Model):
    _name = "warranty.remittance.import"
    # A record, not a transient wizard: a large remittance is booked in the background, and its progress, result
    # and end message stay on it
    _inherit = ["warranty.csv.import.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Import a Manufacturer's Remittance"
    _order = "id desc"
    # The columns of the manufacturer's remittance file; docs/admin.md documents them
    _csv_columns = ["claim_number", "revision", "amount_paid", "payment_reference", "date"]
    _csv_label = "remittance"
    _csv_action_fields = WarrantyCsvImportMixin._csv_action_fields | {"payment_id", "move_id", "move_ids"}
    _background_cron = "warranty_service.ir_cron_warranty_remittance_import"
    _check_company_auto = True

    settlement = fields.Selection(
        [("bank", "Bank Receipt"), ("netting", "Credit on our Parts Payable")],
        string="Received As", required=True, default="bank",
        help="Bank Receipt: one payment in the bank journal, matched by the bank statement line.\n"
        "Credit on our Parts Payable: the manufacturer nets the remittance against what we owe it for parts; "
        "one netting entry moves the claims from its receivable to its payable.",
    )
    journal_id = fields.Many2one(
        "account.journal", string="Received In", check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
    )
    amount_received = fields.Monetary(
        string="Received Total", currency_field="currency_id",
        help="The total of the bank transfer (or of the credit): the file's lines must add up to it.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    row_ids = fields.One2many("warranty.remittance.import.row", "wizard_id", string="Rows")
    error_count = fields.Integer(compute="_compute_totals")
    amount_total = fields.Float(string="Total Paid", compute="_compute_totals")
    payment_id = fields.Many2one("account.payment", string="Payment", readonly=True)
    move_id = fields.Many2one("account.move", string="Netting Entry", readonly=True)
    # Every entry the import posted: one, or one per chunk of a remittance booked in the background
    move_ids = fields.Many2many("account.move", string="Entries", readonly=True, copy=False)

    @api.depends("row_ids.status", "row_ids.amount_paid")
    def _compute_totals(self):
        for wizard in self:
            wizard.error_count = len(wizard.row_ids.filtered(lambda row: row.status == "error"))
            wizard.amount_total = sum(wizard.row_ids.mapped("amount_paid"))

    def action_apply(self):
        """One receipt for the whole remittance, reconciled with the lines of the claims it pays: all rows or none.

        Each claim's own receivable line is credited with what the file says it was paid; a short pay within the
        manufacturer's tolerance is written off to the short-pay account in the same entry (the claim is then
        settled), above it the claim stays partially paid.
        """
        self._check_import_rights()
        self._lock_for_apply()
        if self.state != "preview":
            self.action_preview()
        self._check_not_booked_yet()
        self._check_rows_applicable()
        currency = self.company_id.currency_id
        if self.settlement == "bank" and not self.journal_id:
            raise UserError(_("Select the bank journal the remittance was received in."))
        if currency.compare_amounts(self.amount_received, 0.0) <= 0:
            raise UserError(_("Enter the received total of the remittance (the amount of the bank transfer)."))
        lines_total = currency.round(sum(self.row_ids.mapped("amount_paid")))
        if currency.compare_amounts(lines_total, self.amount_received) != 0:
            raise UserError(_(
                "The remittance's lines add up to %(lines)s, not to the received total of %(received)s: nothing was "
                "posted. Check the file or the amount received.",
                lines=currency.format(lines_total), received=currency.format(self.amount_received),
            ))
        return self._book_or_queue(_("Reconciled Claims"))

    def _check_import_rights(self):
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_accountant"):
            raise AccessError(_("Only a Warranty Accountant or Manager imports remittances."))

    def _queued_twice_domain(self):
        # The same remittance (its references) on the same claims: another remittance of a claim is its own
        domain = super()._queued_twice_domain()
        references = list(set(filter(None, self.row_ids.mapped("payment_reference"))))
        return domain + [("payment_reference", "in", references)] if references else domain

    def _background_unmatched(self, rows):
        """Rows of a chunk whose claim no longer matches them: the remittance booked on it meanwhile (by another
        import), or the claim no longer owing what the row pays. They are not booked, and say why."""
        currency = self.company_id.currency_id
        reference = self._file_reference()
        keys = {(self._row_reference(row, reference), row.claim_id.id): row for row in rows}
        why = {}
        # sudo: what was booked on these claims counts, whoever imported it
        for booking in self.env["warranty.remittance.booking"].sudo().search([
            ("company_id", "=", self.company_id.id), ("claim_id", "in", rows.claim_id.ids),
            ("reference", "in", list({ref for ref, __ in keys})),
        ]):
            row = keys.get((booking.reference, booking.claim_id.id))
            if row:
                why[row.id] = _("Remittance %(reference)s is already booked on claim %(number)s.",
                                reference=booking.reference or "-", number=booking.claim_id.name)
        # Summed in the database: the lines themselves are read once, by the booking
        owed = defaultdict(float, {claim.id: residual for claim, residual in self.env["account.move.line"]._read_group(
            self._open_terms_domain(rows.claim_id), ["warranty_claim_id"], ["amount_residual:sum"])})
        for row in rows:
            claim_owes = currency.round(owed[row.claim_id.id])
            if row.id not in why and (currency.compare_amounts(claim_owes, 0.0) <= 0
                                      or currency.compare_amounts(row.amount_paid, claim_owes) > 0):
                why[row.id] = _(
                    "Claim %(number)s owes %(owed)s on its own invoice lines, the remittance pays %(amount)s.",
                    number=row.claim_id.name, owed=currency.format(claim_owes),
                    amount=currency.format(row.amount_paid),
                )
        return why

    def _book_rows(self, rows):
        """One receipt for ``rows`` (the whole remittance, or a chunk of it booked in the background), reconciled
        with the lines of the claims they pay: all of them or none."""
        currency = self.company_id.currency_id
        claims = rows.claim_id
        # Each claim's own open receivable lines (a receivable line per claim on its invoices)
        terms = self.env["account.move.line"].search(self._open_terms_domain(claims), order="date_maturity, id")
        terms_by_claim = defaultdict(lambda: self.env["account.move.line"])
        for line in terms:
            terms_by_claim[line.warranty_claim_id.id] |= line
        maker = self.manufacturer_id
        reference = self._file_reference()
        date = self._remittance_date()
        line_vals, partial_claims, settled, short_total = self._prepare_remittance_lines(
            terms_by_claim, reference, rows)
        bookings = self._book_remittance_rows(reference, rows)
        # The received total, or the part of it the chunk pays
        amount = currency.round(sum(rows.mapped("amount_paid")))
        for account_id, (total, __) in settled.items():
            total = currency.round(total)
            line_vals.append({
                "name": _("Remittance %(reference)s: claims settled in full", reference=reference or ""),
                "account_id": account_id,
                "partner_id": maker.id,
                "balance": -total,
                "amount_currency": -total,
                "currency_id": currency.id,
            })
        if short_total:
            account = self.company_id.warranty_short_pay_account_id
            if not account:
                raise UserError(_(
                    "Some claims are paid short within %(maker)s's tolerance: set the short-pay write-off account in "
                    "Warranty > Configuration > Settings first.", maker=maker.name,
                ))
            for vals in line_vals:
                vals["account_id"] = vals["account_id"] or account.id
        if self.settlement == "bank":
            counterparts = self._create_remittance_payment(line_vals, reference, date, rows, amount)
        else:
            counterparts = self._create_netting_entry(line_vals, reference, date, rows, amount)
        receivable_lines = counterparts.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        counterpart_by_claim = defaultdict(lambda: self.env["account.move.line"])
        for line in receivable_lines.filtered("warranty_claim_id"):
            counterpart_by_claim[line.warranty_claim_id.id] |= line
        plan = [counterpart_by_claim[claim_id] | terms_by_claim[claim_id] for claim_id in partial_claims]
        for line in receivable_lines.filtered(lambda line: not line.warranty_claim_id):
            plan.append(line | settled[line.account_id.id][1])
        # One batch: each claim's own lines with what pays them, whatever the other claims of a grouped invoice.
        # Reconciling changes no tax nor payment term of the posted invoices: core's invoice synchronisation around
        # it would only go through their thousands of lines (10 of 37 s of a remittance of 2,000 lines, issue 26)
        self.env["account.move.line"].with_context(skip_invoice_sync=True)._reconcile_plan(plan)
        bookings.write({"move_id": counterparts.move_id.id})
        # sudo: the entries are written by this action only
        self.sudo().move_ids = [Command.link(counterparts.move_id.id)]
        return claims

    def _open_terms_domain(self, claims):
        """The claims' own open receivable lines (a receivable line per claim on their invoices)."""
        return [
            ("warranty_claim_id", "in", claims.ids),
            ("display_type", "=", "payment_term"),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "=", "out_invoice"),
            ("reconciled", "=", False),
        ]

    def _row_reference(self, row, reference):
        # The manufacturer's reference of the payment, else the file's (its references, or its name)
        return row.payment_reference or reference or ""

    def _check_not_booked_yet(self):
        """The same remittance (reference) is never booked twice on a claim: not by importing its file again."""
        reference = self._file_reference()
        keys = {(self._row_reference(row, reference), row.claim_id.id) for row in self.row_ids if row.claim_id}
        if not keys:
            return
        # sudo: what was booked on these claims counts, whoever imported it
        booked = self.env["warranty.remittance.booking"].sudo().search([
            ("company_id", "=", self.company_id.id),
            ("claim_id", "in", [claim_id for __, claim_id in keys]),
            ("reference", "in", list({ref for ref, __ in keys})),
        ]).filtered(lambda booking: (booking.reference, booking.claim_id.id) in keys)
        if booked:
            self._raise_already_booked(booked)

    def _raise_already_booked(self, booked):
        raise UserError(_(
            "Remittance %(reference)s is already booked on claim(s) %(claims)s%(entry)s: nothing was posted again. "
            "A further payment of the manufacturer comes with a remittance reference of its own.",
            reference=booked[0].reference or "-",
            claims=", ".join(booked.claim_id.sorted("name").mapped("name")),
            entry=_(" (%(entry)s)", entry=booked[0].move_id.name) if booked[0].move_id else "",
        ))

    def _file_reference(self):
        # Grouped in the database: each background chunk asks it of a file of thousands of rows (issue 26)
        references = self.env["warranty.remittance.import.row"]._read_group(
            [("wizard_id", "=", self.id)], ["payment_reference"])
        return ", ".join(sorted(filter(None, (reference for reference, in references)))) or self.filename

    def _remittance_date(self):
        """The remittance's date (its rows' latest), the same for each of its chunks."""
        [(date,)] = self.env["warranty.remittance.import.row"]._read_group(
            [("wizard_id", "=", self.id)], aggregates=["payment_date:max"])
        return date or fields.Date.context_today(self)

    def _book_remittance_rows(self, reference, rows):
        """Record each row as booked: the database refuses the same remittance reference twice on a claim.

        Two parallel imports of one file both pass the check above: the second waits on the unique index for the
        first and then fails on it (or, not seeing it, fails to serialize and is retried by Odoo, then refused by
        the check). Either way it posts nothing and is told why."""
        vals_list = [{
            "company_id": self.company_id.id,
            "claim_id": row.claim_id.id,
            "reference": self._row_reference(row, reference),
            "amount": row.amount_paid,
            "date": row.payment_date or fields.Date.context_today(self),
        } for row in rows]
        try:
            with self.env.cr.savepoint():
                # sudo: the bookings are written by this action only
                bookings = self.env["warranty.remittance.booking"].sudo().create(vals_list)
                bookings.flush_recordset()
        except pg_errors.UniqueViolation:
            self.env.invalidate_all()
            self._check_not_booked_yet()
            raise UserError(_("This remittance is being booked by another import at the same time: nothing was "
                              "posted. Look at the claims before importing it again.")) from None
        return bookings

    def _prepare_remittance_lines(self, terms_by_claim, reference, rows):
        """The credits of the remittance: (line values, claims paid partly, claims settled in full per receivable
        account as {account id: [total, term lines]}, short pays written off)."""
        # Claims settled in full (paid, or paid short within the tolerance) share one credit per receivable
        # account, reconciled with all their lines at once: each line is matched by exactly what it owes. A claim
        # paid partly gets a credit of its own, of exactly what it was paid. Thousands of claims are then a handful
        # of journal items and one reconciliation, not thousands of them
        currency = self.company_id.currency_id
        maker = self.manufacturer_id
        line_vals, partial_claims, short_total = [], [], 0.0
        settled = defaultdict(lambda: [0.0, self.env["account.move.line"]])  # account id: [total, term lines]
        for row in rows:
            claim = row.claim_id
            owed_lines = terms_by_claim[claim.id]
            owed = currency.round(sum(owed_lines.mapped("amount_residual")))
            if not owed_lines or currency.compare_amounts(row.amount_paid, owed) > 0:
                raise UserError(_(
                    "Claim %(number)s owes %(owed)s on its own invoice lines, the remittance pays %(amount)s.",
                    number=claim.name, owed=currency.format(owed), amount=currency.format(row.amount_paid),
                ))
            short = currency.round(owed - row.amount_paid)
            write_off = short if maker._is_warranty_short_pay_tolerated(short, owed, currency) else 0.0
            if len(owed_lines.account_id) == 1 and currency.is_zero(owed - row.amount_paid - write_off):
                group = settled[owed_lines.account_id.id]
                group[0] += owed
                group[1] |= owed_lines
            else:
                line_vals.append({
                    "name": _("%(claim)s: remittance %(reference)s", claim=claim.name, reference=reference or ""),
                    "account_id": owed_lines[0].account_id.id,
                    "partner_id": maker.id,
                    "balance": -row.amount_paid,
                    "amount_currency": -row.amount_paid,
                    "currency_id": currency.id,
                    "warranty_claim_id": claim.id,
                })
                partial_claims.append(claim.id)
            if write_off:
                short_total += write_off
                line_vals.append({
                    "name": _("%(claim)s: paid short within tolerance", claim=claim.name),
                    "account_id": False,  # set below, once the account is checked
                    "partner_id": maker.id,
                    "balance": write_off,
                    "amount_currency": write_off,
                    "currency_id": currency.id,
                    "warranty_claim_id": claim.id,
                })
        return line_vals, partial_claims, settled, short_total

    def _create_remittance_payment(self, line_vals, reference, date, rows, amount):
        """One payment of the received total (of a chunk's part of it in the background), with a receivable line per
        claim: the bank statement line matches it (them)."""
        currency = self.company_id.currency_id
        payment = self.env["account.payment"].create({
            "payment_type": "inbound",
            "partner_type": "customer",
            "partner_id": self.manufacturer_id.id,
            "journal_id": self.journal_id.id,
            "company_id": self.company_id.id,
            "amount": amount,
            "date": date,
            "memo": reference,
            "invoice_ids": [Command.set(rows.claim_id.invoice_ids.filtered(
                lambda move: move.move_type == "out_invoice" and move.state == "posted").ids)],
        })
        liquidity = {
            "name": _("Remittance %(reference)s of %(maker)s",
                      reference=reference or "", maker=self.manufacturer_id.name),
            "account_id": payment.outstanding_account_id.id,
            "partner_id": self.manufacturer_id.id,
            "balance": amount,
            "amount_currency": amount,
            "currency_id": currency.id,
            "date_maturity": date,
        }
        # An entry without taxes nor payment terms: core's invoice synchronisation (taxes, terms) has nothing to
        # do on it and would go through its thousands of lines one by one (as core's payments skip it)
        payment.with_context(skip_invoice_sync=True)._generate_journal_entry(
            line_ids=[Command.create(vals) for vals in [liquidity, *line_vals]],
        )
        payment.action_post()
        # sudo: the entries are written by this action only
        self.sudo().payment_id = payment
        return payment.move_id.line_ids

    def _create_netting_entry(self, line_vals, reference, date, rows, amount):
        """The manufacturer credited our parts payable: its payable is debited with the total, each claim credited."""
        maker = self.manufacturer_id.with_company(self.company_id)
        payable = {
            "name": _("Remittance %(reference)s netted against parts payable", reference=reference or ""),
            "account_id": maker.property_account_payable_id.id,
            "partner_id": maker.id,
            "balance": amount,
        }
        for vals in line_vals:
            vals.pop("amount_currency", None)
            vals.pop("currency_id", None)
        claims = rows.claim_id.with_context(warranty_entry_date=date, skip_invoice_sync=True)
        move = claims._post_warranty_entry(
            "netting", _("Remittance %(reference)s", reference=reference or ""), [payable, *line_vals],
        )
        # sudo: the entries are written by this action only
        self.sudo().move_id = move
        return move.line_ids

    def _preview_rows(self, rows):
        row_values = super()._preview_rows(rows)
        # A file imported again shows in the preview which of its rows were booked already (one search)
        file_reference = ", ".join(sorted({vals["payment_reference"] for vals in row_values
                                           if vals.get("payment_reference")})) or self.filename or ""
        keys = {(vals.get("payment_reference") or file_reference, vals["claim_id"]): vals
                for vals in row_values if vals["status"] == "ok" and vals.get("claim_id")}
        if keys:
            # sudo: what was booked on these claims counts, whoever imported it
            for booking in self.env["warranty.remittance.booking"].sudo().search([
                ("company_id", "=", self.company_id.id),
                ("claim_id", "in", [claim_id for __, claim_id in keys]),
                ("reference", "in", list({reference for reference, __ in keys})),
            ]):
                vals = keys.get((booking.reference, booking.claim_id.id))
                if vals:
                    vals.update(status="error", message=_(
                        "Remittance %(reference)s is already booked on claim %(number)s.",
                        reference=booking.reference or "-", number=booking.claim_id.name,
                    ))
        return row_values

    def _check_row(self, row, vals, claim, seen):
        vals["payment_reference"] = (row.get("payment_reference") or "").strip()
        try:
            revision = int((row.get("revision") or "0").strip())
            date = fields.Date.to_date((row.get("date") or "").strip() or None)
        except ValueError:
            return _("The revision or date (YYYY-MM-DD) is not valid.")
        amount, error = self._parse_amount(row, "amount_paid", vals)
        if error:
            return error
        vals.update(amount_paid=amount, payment_date=date)
        if revision != claim.revision:
            return _("Claim %(number)s is at revision %(current)s, the remittance pays revision %(revision)s.",
                     number=claim.name, current=claim.revision, revision=revision)
        # After a resubmission a claim may have several invoices: shown is the oldest one still open. Iterated, not
        # filtered() and sorted(): once per row of a file of thousands (issue 26)
        invoice = min(
            (m for m in claim.invoice_ids if m.state == "posted" and m.move_type == "out_invoice"
             and not m.currency_id.is_zero(m.amount_residual)),
            key=lambda m: (m.invoice_date or m.date, m.id), default=None,
        )
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


class WarrantyRemittanceImportRow(models.Model):
    _name = "warranty.remittance.import.row"
    _inherit = "warranty.csv.import.row.mixin"
    _description = "Row of a Manufacturer's Remittance"

    wizard_id = fields.Many2one("warranty.remittance.import", required=True, ondelete="cascade", index=True)
    # Precomputed: set in the INSERT of the rows rather than by an UPDATE of each of the thousands of them
    company_id = fields.Many2one(related="wizard_id.company_id", store=True, precompute=True)
    claim_number = fields.Char(string="Claim")
    claim_id = fields.Many2one("warranty.claim", string="Claim Record")
    invoice_id = fields.Many2one("account.move", string="Invoice")
    amount_paid = fields.Float(string="Paid")
    payment_reference = fields.Char()
    payment_date = fields.Date(string="Date")

from collections import defaultdict

from odoo import _, fields, models
from odoo.tools import float_compare


class WarrantyClaimImport(models.Model):
    _name = "warranty.claim.import"
    # A record, not a transient wizard: a large decision file is booked in the background, and its progress,
    # result and end message stay on it
    _inherit = ["warranty.csv.import.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Import a Manufacturer's Decision File"
    _order = "id desc"
    _background_cron = "warranty_service.ir_cron_warranty_claim_import"
    # The columns the manufacturer's decision file must have; docs/admin.md documents them
    _csv_columns = [
        "claim_number",
        "revision",
        "line_ref",
        "accepted_amount",
        "rejection_code",
        "manufacturer_reference",
    ]
    _csv_label = "decision file"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    row_ids = fields.One2many("warranty.claim.import.row", "wizard_id", string="Rows")
    error_count = fields.Integer(compute="_compute_error_count")

    def _compute_error_count(self):
        for wizard in self:
            wizard.error_count = len(wizard.row_ids.filtered(lambda row: row.status == "error"))

    def action_apply(self):
        """Apply the decisions: all rows or none; each claim then follows its lines."""
        self._check_import_rights()
        self._check_rows_applicable()
        return self._book_or_queue(_("Decided Claims"))

    def _check_import_rights(self):
        self.env["warranty.claim"]._check_decision_rights()

    def _background_unmatched(self, rows):
        """Rows of a chunk whose claim was decided meanwhile (another import, by hand), or resubmitted: not decided
        again, they say why."""
        why = {}
        for row in rows:
            claim = row.claim_id
            if claim.state != "submitted":
                why[row.id] = _("Claim %(number)s is not waiting for a decision.", number=claim.name)
            elif claim.revision != row.revision:
                why[row.id] = _(
                    "Claim %(number)s is at revision %(current)s, the file decides revision %(revision)s.",
                    number=claim.name, current=claim.revision, revision=row.revision,
                )
        return why

    def _book_rows(self, rows):
        """Apply the decisions of ``rows`` (the whole file, or a chunk of whole claims); each claim then follows its
        lines. Returns the claims decided."""
        claims = rows.claim_id
        for row in rows:
            # The decision follows the amount: 0.00 rejected, the claimed amount accepted, partial in between
            row.claim_line_id.write({
                "amount_accepted": row.accepted_amount,
                "rejection_code": row.rejection_code or False,
                "reason_code_id": row.reason_code_id.id,
            })
        # Each claim's first reference in the file, in one pass over the rows: looking it up among all the rows
        # for every claim cost a file of 10,000 lines 50 million comparisons
        references = {}
        for row in rows:
            if row.manufacturer_reference:
                references.setdefault(row.claim_id.id, row.manufacturer_reference)
        for claim in claims:
            reference = references.get(claim.id)
            if reference:
                claim.manufacturer_reference = reference
            if all(line.decision == "rejected" for line in claim.line_ids):
                codes = ", ".join(sorted(set(claim.line_ids.mapped("rejection_code"))))
                claim.rejection_reason = _("Rejected in the manufacturer's decision file (%(codes)s).", codes=codes)
        # Every line was decided by the file: the claims follow their lines (accepted, partially, rejected)
        claims.action_accept()
        return claims

    def _check_row(self, row, vals, claim, seen):
        vals.update(
            line_ref=(row.get("line_ref") or "").strip(),
            rejection_code=(row.get("rejection_code") or "").strip(),
            manufacturer_reference=(row.get("manufacturer_reference") or "").strip(),
        )
        if claim.state != "submitted":
            return _("Claim %(number)s is not waiting for a decision.", number=claim.name)
        try:
            revision = int((row.get("revision") or "0").strip())
        except ValueError:
            return _("The revision is not a number.")
        vals["revision"] = revision
        accepted, error = self._parse_amount(row, "accepted_amount", vals)
        if error:
            return error
        if revision != claim.revision:
            return _(
                "Claim %(number)s is at revision %(current)s, the file decides revision %(revision)s.",
                number=claim.name,
                current=claim.revision,
                revision=revision,
            )
        # Iterated, not filtered(): the line keeps the prefetch of all the file's claim lines (filtered() would
        # read each line on its own, one query per row of the file)
        line = next((claim_line for claim_line in claim.line_ids if str(claim_line.id) == vals["line_ref"]), None)
        if not line:
            return _("Claim %(number)s has no line %(ref)s.", number=claim.name, ref=vals["line_ref"] or "-")
        vals.update(claim_line_id=line.id, accepted_amount=accepted)
        if (claim.id, line.id) in seen:
            return _("Line %(ref)s of claim %(number)s is decided twice in the file.", ref=line.id, number=claim.name)
        seen.add((claim.id, line.id))
        if (
            accepted < 0
            or float_compare(accepted, line.amount_claimed, precision_rounding=claim.currency_id.rounding) > 0
        ):
            return _(
                "%(accepted)s accepted on line %(ref)s of claim %(number)s, where %(claimed)s was claimed.",
                accepted=accepted,
                ref=line.id,
                number=claim.name,
                claimed=line.amount_claimed,
            )
        # 0.00 accepted is a rejection, and a rejection is the manufacturer's, with its code: without one the
        # row is more likely a mistake than a decision
        if claim.currency_id.is_zero(accepted) and not vals["rejection_code"]:
            return _(
                "Line %(ref)s of claim %(number)s is accepted at 0.00 without a rejection code: a rejected "
                "line needs the manufacturer's rejection code.",
                ref=line.id,
                number=claim.name,
            )
        return self._check_reason_code(vals)

    def _preview_rows(self, rows):
        # The manufacturer's reason codes, read once for the file: {code: id}
        codes = self.env["warranty.claim.reason.code"].search_fetch(
            [("manufacturer_id", "=", self.manufacturer_id.id)], ["code"]
        )
        return super(WarrantyClaimImport, self.with_context(
            warranty_reason_codes=tuple((reason.code.upper(), reason.id) for reason in codes)
        ))._preview_rows(rows)

    def _check_reason_code(self, vals):
        """The file's rejection code is one of the manufacturer's reason codes, where it has a list of them."""
        codes = dict(self.env.context.get("warranty_reason_codes") or ())
        if not (vals["rejection_code"] and codes):
            return False
        reason_id = codes.get(vals["rejection_code"].upper())
        if not reason_id:
            return _(
                "Row %(row)s: rejection code %(code)s is not one of %(manufacturer)s's reason codes.",
                row=vals["row_number"],
                code=vals["rejection_code"],
                manufacturer=self.manufacturer_id.name,
            )
        vals["reason_code_id"] = reason_id
        return False

    def _check_file(self, row_values):
        # Every line of a decided claim needs a decision: a half-decided claim is refused
        decided_lines = defaultdict(set)
        for vals in row_values:
            if vals.get("claim_line_id"):
                decided_lines[vals["claim_id"]].add(vals["claim_line_id"])
        errors = []
        for claim_id, line_ids in decided_lines.items():
            claim = self.env["warranty.claim"].browse(claim_id)
            missing = claim.line_ids.filtered(lambda line, line_ids=line_ids: line.id not in line_ids)
            if missing:
                errors.append(
                    {
                        "row_number": 0,
                        "claim_number": claim.name,
                        "line_ref": str(missing[0].id),
                        "status": "error",
                        "message": _(
                            "Line %(ref)s of claim %(claim)s has no decision in the file.",
                            ref=missing[0].id,
                            claim=claim.name,
                        ),
                    }
                )
        return errors


class WarrantyClaimImportRow(models.Model):
    _name = "warranty.claim.import.row"
    _inherit = "warranty.csv.import.row.mixin"
    _description = "Row of a Manufacturer's Decision File"

    wizard_id = fields.Many2one("warranty.claim.import", required=True, ondelete="cascade", index=True)
    # Precomputed: set in the INSERT of the rows rather than by an UPDATE of each of the thousands of them
    company_id = fields.Many2one(related="wizard_id.company_id", store=True, precompute=True)
    claim_number = fields.Char(string="Claim")
    line_ref = fields.Char(string="Line")
    revision = fields.Integer()
    claim_id = fields.Many2one("warranty.claim", string="Claim Record")
    claim_line_id = fields.Many2one("warranty.claim.line")
    accepted_amount = fields.Float(string="Accepted")
    rejection_code = fields.Char()
    reason_code_id = fields.Many2one("warranty.claim.reason.code", string="Reason Code")
    manufacturer_reference = fields.Char()

from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from .warranty_claim_validation_rule import CLAIM_TYPE_SELECTION

# Written by the pre-validation only (with sudo), never by a user
CLAIM_VALIDATION_FIELDS = frozenset({"validation_result_ids", "validation_state", "validation_date"})
# What kind of claim it is and what it refers to: content, written in draft by the workshop
CLAIM_TYPE_FIELDS = frozenset({
    "claim_type", "previous_claim_id", "transport_carrier_id", "transport_damage_date", "transport_letter_date",
})
# The claims whose unit must still be under the manufacturer's warranty
COVERED_CLAIM_TYPES = ("warranty", "parts_warranty")
# The jobs the unit's warranty pays: campaign work and the manufacturer's goodwill are paid whatever its end
WARRANTY_JOB_PAY_TYPES = ("warranty", "extension")
# How many claims' errors a refused submission lists before summing up the rest
SHOWN_CLAIMS = 10


class WarrantyClaim(models.Model):
    """Pre-validation: the manufacturer's rules checked before the claim goes out (errors block, warnings do not)."""

    _inherit = "warranty.claim"

    claim_type = fields.Selection(
        CLAIM_TYPE_SELECTION, compute="_compute_claim_type", store=True, readonly=False, precompute=True,
        index=True, tracking=True,
        help="What the manufacturer pays for: a warranty repair, a pre-delivery inspection (flat amount per model), "
        "transport damage found at delivery, a part fitted earlier that failed again (parts warranty), goodwill "
        "or a campaign. Defaults from what the claim is made from.",
    )
    previous_claim_id = fields.Many2one(
        "warranty.claim", string="Previous Claim", check_company=True, index="btree_not_null",
        domain="[('lot_id', '=', lot_id), ('id', '!=', id)]",
        help="Parts warranty: the claim of the repair that fitted the part that failed again.",
    )
    transport_carrier_id = fields.Many2one(
        "res.partner", string="Carrier", check_company=True,
        help="Transport damage: the carrier that delivered the damaged unit.",
    )
    transport_damage_date = fields.Datetime(string="Damage Found On")
    transport_letter_date = fields.Datetime(
        string="Letter to Carrier On",
        help="Transport damage: when the letter holding the carrier liable was sent; the manufacturer wants it "
        "within its deadline in hours after the damage was found.",
    )
    validation_result_ids = fields.One2many(
        "warranty.claim.validation.result", "claim_id", string="Validation Findings", readonly=True,
    )
    validation_state = fields.Selection(
        [("ok", "Passed"), ("warning", "Warnings"), ("error", "Errors")], readonly=True, copy=False, index=True,
        help="The last pre-validation: Passed, Warnings (the claim can be submitted) or Errors (it cannot, until "
        "they are corrected). Empty: not validated yet.",
    )
    validation_date = fields.Datetime(string="Validated On", readonly=True, copy=False)

    @api.depends("recall_id", "repair_id", "parts_warranty_id")
    def _compute_claim_type(self):
        for claim in self:
            if claim.claim_type:
                continue
            if claim.parts_warranty_id:
                # Made under the warranty of a part an earlier repair fitted (warranty.part.warranty)
                claim.claim_type = "parts_warranty"
                continue
            repair = claim.repair_id
            if repair.warranty_claim_type in ("pdi", "transport_damage", "parts_warranty"):
                claim.claim_type = repair.warranty_claim_type
                continue
            jobs = repair.job_ids.filtered(lambda job: job._get_share("manufacturer") > 0)
            pay_types = set(jobs.mapped("pay_type"))
            if pay_types == {"goodwill"}:
                claim.claim_type = "goodwill"
            elif pay_types == {"campaign"} or (claim.recall_id and not jobs and claim._is_campaign_work_only()):
                claim.claim_type = "campaign"
            else:
                claim.claim_type = "warranty"

    def _is_campaign_work_only(self):
        """A repair without jobs claims its campaign work alone: the unit is not under the manufacturer's warranty
        (the rest is the customer's), or every part and labour line of the repair is the campaign's."""
        self.ensure_one()
        repair = self.repair_id
        if repair.warranty_coverage != "manufacturer":
            return True
        moves = repair.move_ids.filtered(lambda move: move.repair_line_type == "add" and move.state != "cancel")
        return all(move.warranty_recall_id for move in moves) and all(
            labor.recall_id for labor in repair.labor_line_ids
        )

    # Rights

    @api.model
    def _check_create_rights(self, vals_list):
        for vals in vals_list:
            if any(vals.get(name) for name in CLAIM_VALIDATION_FIELDS):
                raise AccessError(_("A claim's validation findings are written by Validate, not by hand."))
        return super()._check_create_rights(vals_list)

    def _check_write_rights(self, vals):
        names = set(vals)
        if not self.env.su and names & CLAIM_VALIDATION_FIELDS:
            raise AccessError(_("A claim's validation findings are written by Validate, not by hand."))
        if names & CLAIM_TYPE_FIELDS:
            sent = self.filtered(lambda claim: claim.state != "draft")
            if sent:
                raise UserError(_(
                    "Claim %(name)s was sent to the manufacturer: its type and previous claim cannot change any more.",
                    name=sent[0].name,
                ))
            if not self.env.su:
                self._check_group(
                    "warranty_service.group_warranty_workshop",
                    _("Only the workshop or a Warranty Manager prepares warranty claims."),
                )
        return super()._check_write_rights(vals)

    # Actions

    def action_validate_claims(self):
        """Check the draft claims against their manufacturers' rules and store what was found on each claim."""
        self._check_group(
            "warranty_service.group_warranty_workshop",
            _("Only the workshop or a Warranty Manager validates warranty claims."),
        )
        if not self:
            raise UserError(_("Select the claims to validate."))
        sent = self.filtered(lambda claim: claim.state != "draft")
        if sent:
            raise UserError(_(
                "Claim %(name)s is not a draft: only claims still to submit are validated.", name=sent[0].name,
            ))
        self._run_validation()
        counts = defaultdict(int)
        for claim in self:
            counts[claim.validation_state] += 1
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Claims validated"),
                "message": _(
                    "%(count)s claims validated: %(ok)s passed, %(warning)s with warnings, %(error)s with errors.",
                    count=len(self), ok=counts["ok"], warning=counts["warning"], error=counts["error"],
                ),
                "type": "danger" if counts["error"] else "warning" if counts["warning"] else "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_submit(self):
        drafts = self.filtered(lambda claim: claim.state == "draft")
        if drafts:
            self._check_group(
                "warranty_service.group_warranty_workshop",
                _("Only the workshop or a Warranty Manager submits warranty claims."),
            )
            drafts._run_validation()
            failed = drafts.filtered(lambda claim: claim.validation_state == "error")
            if failed:
                raise UserError(failed._format_validation_errors())
        return super().action_submit()

    def action_resubmit(self):
        result = super().action_resubmit()
        # The next revision is not decided yet: its lines lose the manufacturer's reason codes with their decisions.
        # sudo: decisions are written by the decision actions only
        self.line_ids.sudo().write({"reason_code_id": False})
        return result

    # The validation

    def _run_validation(self):
        """Validate ``self`` in one pass: a few queries for the batch, whatever its size; findings replace the
        previous ones."""
        today = fields.Date.context_today(self)
        claims = self
        claims.fetch([
            "name", "company_id", "manufacturer_id", "state", "claim_type", "lot_id", "repair_date", "failure_date",
            "odometer_km", "registration_id", "defect_code_ids", "causal_part_id", "late_reason", "previous_claim_id",
            "line_ids", "transport_carrier_id", "transport_damage_date", "transport_letter_date",
        ])
        rules = self.env["warranty.claim.validation.rule"].search([
            ("manufacturer_id", "in", claims.manufacturer_id.ids), ("company_id", "in", claims.company_id.ids),
        ])
        rules_of = defaultdict(list)
        for rule in rules:
            rules_of[rule.manufacturer_id.id, rule.company_id.id].append(rule)
        kinds = set(rules.mapped("kind"))
        context = {"today": today}
        if kinds & {"parts_return_deadline", "labour_above_guide", "coverage_expired"}:
            claims.line_ids.fetch([
                "claim_id", "line_type", "product_id", "name", "quantity", "labor_operation_id", "job_id",
                "hours_override_reason", "return_required", "returned_lot_id", "return_state",
            ])
        if "required_attachments" in kinds:
            context["attachments"] = claims._get_validation_attachments()
        if "duplicate_claim" in kinds:
            days = max(rule.days for rule in rules if rule.kind == "duplicate_claim")
            context["duplicates"] = claims._get_validation_duplicates(days)
        findings = []
        for claim in claims:
            for rule in rules_of[claim.manufacturer_id.id, claim.company_id.id]:
                if rule.claim_type and rule.claim_type != claim.claim_type:
                    continue
                check = getattr(claim, f"_validate_{rule.kind}")
                for message, line, downgraded in check(rule, context):
                    findings.append({
                        "claim_id": claim.id,
                        "rule_id": rule.id,
                        "code": rule.code,
                        "severity": "warning" if downgraded else rule.severity,
                        "message": message,
                        "line_id": line.id if line else False,
                    })
        state_of = dict.fromkeys(claims.ids, "ok")
        for finding in findings:
            if finding["severity"] == "error":
                state_of[finding["claim_id"]] = "error"
            elif state_of[finding["claim_id"]] == "ok":
                state_of[finding["claim_id"]] = "warning"
        # sudo: the findings and the state are written by the validation only (see _check_write_rights)
        claims.sudo().validation_result_ids.unlink()
        self.env["warranty.claim.validation.result"].sudo().create(findings)
        now = fields.Datetime.now()
        by_state = defaultdict(list)
        for claim_id, state in state_of.items():
            by_state[state].append(claim_id)
        for state, ids in by_state.items():
            self.browse(ids).sudo().write({"validation_state": state, "validation_date": now})
        return findings

    def _format_validation_errors(self):
        blocks = []
        for claim in self[:SHOWN_CLAIMS]:
            errors = claim.validation_result_ids.filtered(lambda result: result.severity == "error")
            blocks.append(_(
                "Claim %(name)s cannot be submitted:\n%(errors)s",
                name=claim.name,
                errors="\n".join(f"- [{error.code}] {error.message}" for error in errors),
            ))
        if len(self) > SHOWN_CLAIMS:
            blocks.append(_("... and %(count)s more claims with errors.", count=len(self) - SHOWN_CLAIMS))
        return "\n\n".join(blocks)

    def _get_validation_attachments(self):
        """{claim id: [(name, mimetype)]} of the files on ``self``, in one query."""
        attachments = defaultdict(list)
        # sudo: the claims' own files, read for claims the user reads already (ir.attachment checks every record)
        for attachment in self.env["ir.attachment"].sudo().search_fetch(
            [("res_model", "=", "warranty.claim"), ("res_id", "in", self.ids)], ["res_id", "name", "mimetype"],
        ):
            attachments[attachment.res_id].append((attachment.name or "", attachment.mimetype or ""))
        return attachments

    def _get_validation_duplicates(self, days):
        """{(lot id, defect code id): [(repair date, claim id)]} of every open claim of these units and codes
        within ``days`` of these claims' repairs, in one grouped query."""
        dated = self.filtered(lambda claim: claim.lot_id and claim.repair_date and claim.defect_code_ids)
        duplicates = defaultdict(list)
        if not dated:
            return duplicates
        start = min(dated.mapped("repair_date")) - timedelta(days=days)
        end = max(dated.mapped("repair_date")) + timedelta(days=days)
        # sudo: a duplicate is a duplicate whoever made it; the search stays within the claims' companies
        groups = self.sudo()._read_group(
            [
                ("lot_id", "in", dated.lot_id.ids), ("company_id", "in", dated.company_id.ids),
                ("defect_code_ids", "in", dated.defect_code_ids.ids), ("state", "!=", "cancel"),
                ("repair_date", ">=", start), ("repair_date", "<=", end),
            ],
            ["lot_id", "defect_code_ids", "repair_date:day"],
            ["id:array_agg"],
        )
        for lot, code, day, ids in groups:
            for claim_id in ids:
                duplicates[lot.id, code.id].append((fields.Date.to_date(day), claim_id))
        return duplicates

    def _get_validation_coverage(self):
        """The coverage the manufacturer checks: ``{"coverage": ..., "reason": ...}``, or None when the claim's type
        needs none. Hook for a coverage engine: the unit's warranty registration answers by default."""
        self.ensure_one()
        if self.claim_type not in COVERED_CLAIM_TYPES or not self.lot_id:
            return None
        jobs = self.line_ids.job_id
        if jobs and not any(job.pay_type in WARRANTY_JOB_PAY_TYPES for job in jobs):
            # A visit's campaign jobs and goodwill shares: the manufacturer pays them after the warranty ended too
            return None
        registration = self.registration_id
        if not registration:
            return {
                "coverage": "none",
                "reason": _("Unit %(serial)s has no warranty registration.", serial=self.lot_id.name),
            }
        try:
            coverage = registration.check_coverage(self.failure_date or self.repair_date, self.odometer_km)
        except UserError as error:
            return {"coverage": "none", "reason": error.args[0]}
        if coverage["coverage"] == "none":
            warranty_jobs = jobs.filtered(lambda job: job.pay_type in WARRANTY_JOB_PAY_TYPES)
            return self._get_validation_programme_coverage(warranty_jobs) or coverage
        return coverage

    def _get_validation_programme_coverage(self, jobs):
        """After the unit's own term, the programme may still cover the warranty ``jobs``: a coverage component
        (powertrain 5 years...) or the warranty of a part an earlier repair fitted. Checked at the claim's failure
        date and odometer; None when some job is covered by neither (the unit's term answers then)."""
        if not jobs or not all(job._is_covered_by_programme() for job in jobs):
            return None
        # As check_coverage: today when the claim states no date
        day = self.failure_date or self.repair_date or fields.Date.context_today(self)
        repair = self.repair_id
        verdicts = {
            verdict["code"]: verdict
            for verdict in self.registration_id._get_component_verdicts(
                day, self.odometer_km or 0, repair.hour_meter or 0.0, meter_broken=repair.meter_broken,
            )
        } if self.registration_id.component_data else {}
        for job in jobs:
            warranty = job.part_warranty_id
            if warranty:
                if day > warranty.date_end or (warranty.limit_km and self.odometer_km > warranty.limit_km):
                    return {"coverage": "none", "reason": _(
                        "%(warranty)s The claim's failure date or odometer is past it.",
                        warranty=warranty._get_coverage_reason(),
                    )}
                continue
            verdict = verdicts.get(job.coverage_component_id.code)
            if not verdict:
                return None
            if not verdict["covered"]:
                return {"coverage": "none", "reason": verdict["reason"]}
        return {"coverage": "manufacturer", "reason": " ".join(jobs.mapped("coverage_reason"))}

    def _get_validation_guide_hours(self, line):
        """The hours the manufacturer pays for labour ``line``: its time guide's, else the operation's standard."""
        return line.guide_hours

    # One method per rule kind: each yields (message, claim line or None, downgraded to a warning)

    def _validate_submission_deadline(self, rule, context):
        if self.claim_type == "transport_damage":
            yield from self._validate_carrier_letter()
        days = rule.days or self.manufacturer_id.warranty_claim_deadline_days
        if not (days and self.repair_date):
            return
        deadline = self.repair_date + timedelta(days=days)
        if context["today"] <= deadline:
            return
        message = _(
            "Submitted too late: the deadline was %(deadline)s, %(days)s days after the repair of %(repair)s.",
            deadline=format_date(self.env, deadline), days=days, repair=format_date(self.env, self.repair_date),
        )
        if (self.late_reason or "").strip():
            # A Warranty Manager let it go out late, with the reason: the manufacturer may still refuse it
            late = _("%(message)s Late submission reason: %(reason)s", message=message, reason=self.late_reason)
            yield late, None, True
        else:
            yield message, None, False

    def _validate_carrier_letter(self):
        """Transport damage: the carrier is named and held liable by letter within the manufacturer's hours."""
        if not self.transport_carrier_id:
            yield _("Transport damage: name the carrier that delivered the damaged unit."), None, False
        if not (self.transport_damage_date and self.transport_letter_date):
            missing = _("Transport damage: enter when the damage was found and when the letter to the carrier went.")
            yield missing, None, False
            return
        hours = self.manufacturer_id.warranty_transport_letter_hours
        late = (self.transport_letter_date - self.transport_damage_date).total_seconds() / 3600.0
        if hours and late > hours:
            yield _(
                "Transport damage: the letter to the carrier went %(late)s h after the damage was found, more than "
                "the %(hours)s h %(manufacturer)s allows.",
                late=round(late, 1), hours=hours, manufacturer=self.manufacturer_id.name,
            ), None, False

    def _validate_parts_return_deadline(self, rule, context):
        deadline = self.repair_date + timedelta(days=rule.days) if self.repair_date else None
        for line in self.line_ids:
            if not (line.return_required and line.product_id) or line.return_state in ("shipped", "scrapped"):
                continue
            if line.product_id.tracking != "none" and not line.returned_lot_id:
                yield _(
                    "%(part)s must go back to the manufacturer: enter the defective part's own serial (Part Tag / "
                    "Serial) on its line.",
                    part=line.product_id.display_name,
                ), line, False
            if deadline and context["today"] > deadline:
                yield _(
                    "%(part)s had to be back at the manufacturer by %(deadline)s (%(days)s days after the repair): "
                    "the part is not returned within the time limit.",
                    part=line.product_id.display_name, deadline=format_date(self.env, deadline), days=rule.days,
                ), line, False

    def _validate_labour_above_guide(self, rule, context):
        for line in self.line_ids:
            if line.line_type != "labor":
                continue
            guide = self._get_validation_guide_hours(line)
            if not guide or line.quantity <= guide:
                continue
            reason = (line.hours_override_reason or "").strip()
            if reason:
                yield _(
                    "%(line)s: %(hours)s h claimed above the guide's %(guide)s h (reason: %(reason)s).",
                    line=line.name, hours=line.quantity, guide=guide, reason=reason,
                ), line, True
            else:
                yield _(
                    "%(line)s: %(hours)s h claimed above the guide's %(guide)s h: enter why (Hours Over Standard).",
                    line=line.name, hours=line.quantity, guide=guide,
                ), line, False

    def _validate_coverage_expired(self, rule, context):
        coverage = self._get_validation_coverage()
        if coverage and coverage["coverage"] == "none":
            yield _("Not covered by the warranty: %(reason)s", reason=coverage["reason"]), None, False

    def _validate_required_attachments(self, rule, context):
        pattern = (rule.attachment_name or "").casefold()
        mimetype = (rule.attachment_mimetype or "").casefold()
        found = sum(
            1 for name, kind in context["attachments"].get(self.id, ())
            if pattern in name.casefold() and kind.casefold().startswith(mimetype)
        )
        if found < rule.attachment_count:
            what = ", ".join(filter(None, (rule.attachment_name, rule.attachment_mimetype))) or _("any file")
            yield _(
                "%(found)s of the %(required)s required attachments (%(what)s) are on the claim: attach the rest.",
                found=found, required=rule.attachment_count, what=what,
            ), None, False

    def _validate_duplicate_claim(self, rule, context):
        if not (self.lot_id and self.repair_date):
            return
        others = set()
        for code in self.defect_code_ids:
            for day, claim_id in context["duplicates"].get((self.lot_id.id, code.id), ()):
                if claim_id != self.id and abs((day - self.repair_date).days) <= rule.days:
                    others.add(claim_id)
        if others:
            # sudo: the names of claims the user may not read (another user's drafts are readable anyway)
            names = ", ".join(sorted(self.sudo().browse(others).mapped("name")))
            yield _(
                "Duplicate: %(claims)s claim the same unit and defect within %(days)s days.",
                claims=names, days=rule.days,
            ), None, False

    def _validate_unrelated_previous_repair(self, rule, context):
        previous = self.previous_claim_id
        if not previous and self.parts_warranty_id:
            # The recorded parts warranty is the link to the earlier repair: it was made from that repair's
            # fitted part of this very unit, so it is related by construction
            return
        if not previous:
            if self.claim_type == "parts_warranty":
                yield _(
                    "A parts warranty claim names the previous claim whose part failed again (Previous Claim)."
                ), None, False
            return
        problems = []
        if previous.lot_id != self.lot_id:
            problems.append(_("it is for another unit"))
        if self.causal_part_id and self.causal_part_id not in previous.line_ids.product_id:
            problems.append(_("it did not fit %(part)s", part=self.causal_part_id.display_name))
        if previous.repair_date and self.repair_date and (self.repair_date - previous.repair_date).days > rule.days:
            problems.append(_("it is more than %(days)s days old", days=rule.days))
        if problems:
            yield _(
                "Unrelated to the previous repair: claim %(claim)s %(problems)s.",
                claim=previous.name, problems=", ".join(problems),
            ), None, False

from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL


class RepairOrder(models.Model):
    """The manufacturer's warranty claim for the repair."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    # The manufacturer's claim for this repair
    claim_ids = fields.One2many("warranty.claim", "repair_id", string="Warranty Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")

    @api.depends("claim_ids")
    def _compute_claim_count(self):
        for repair in self:
            repair.claim_count = len(repair.claim_ids)

    def action_create_warranty_claim(self):
        """Claim the cost of done, manufacturer-covered repairs: one claim per repair, in one batch."""
        if not self.env.su and not self.env.user.has_group("warranty_service.group_warranty_workshop"):
            raise AccessError(_("Only the workshop or a Warranty Manager makes warranty claims from repairs."))
        # Parallel clicks on one repair: the first takes the repair; the others fail to lock it at once and Odoo
        # retries them in a fresh transaction, which sees the claim and answers with the message below. The
        # claims' exclusion constraint (one open claim per repair) is the guarantee behind it.
        if self.ids:
            self.env.cr.execute(
                SQL("SELECT id FROM repair_order WHERE id IN %s FOR NO KEY UPDATE NOWAIT", tuple(self.ids))
            )
        for repair in self:
            if repair.state != "done":
                raise UserError(
                    _("Repair %(repair)s is not done: claim it once the work is finished.", repair=repair.name)
                )
            if repair.job_ids:
                repair._check_job_claim_possible()
            # The manufacturer pays campaign work whatever the unit's warranty
            elif repair.warranty_coverage != "manufacturer" and not repair._get_claimable_recalls():
                raise UserError(
                    _(
                        "Repair %(repair)s is not covered by the manufacturer's warranty (%(reason)s): there is "
                        "nothing to claim from the manufacturer.",
                        repair=repair.name,
                        reason=repair.warranty_coverage_reason or repair.warranty_coverage,
                    )
                )
            if repair.claim_ids.filtered(lambda claim: claim.state != "cancel"):
                raise UserError(_("Repair %(repair)s already has a warranty claim.", repair=repair.name))
            if (
                not repair.job_ids
                and repair.warranty_coverage == "manufacturer"
                and not repair._get_warranty_manufacturer()
            ):
                raise UserError(
                    _("Repair %(repair)s has no manufacturer to claim from: set it on the product.", repair=repair.name)
                )
        # A claim cancelled in this transaction no longer counts for the database's one-open-claim rule
        self.env["warranty.claim"].flush_model(["state"])
        claims = self.env["warranty.claim"].create([repair._prepare_warranty_claim_vals() for repair in self])
        if len(claims) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "warranty.claim",
                "res_id": claims.id,
                "views": [(False, "form")],
            }
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_claim_action")
        action["domain"] = [("id", "in", claims.ids)]
        return action

    def action_view_claims(self):
        """Open the warranty claims of this repair."""
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_claim_action")
        action["domain"] = [("repair_id", "in", self.ids)]
        return action

    def _prepare_warranty_claim_vals(self):
        """The manufacturer's claim for this repair: parts at cost + markup, labour at the manufacturer's rate.

        Campaign work is charged at its campaign's terms; on a unit that is not under the manufacturer's
        warranty, the claim holds the campaign work alone (the rest is the customer's).
        """
        self.ensure_one()
        if self.job_ids:
            return self._prepare_job_claim_vals()
        recalls = self._get_claimable_recalls()
        campaign_only = self.warranty_coverage != "manufacturer"
        manufacturer = recalls[:1].manufacturer_id if campaign_only else self._get_warranty_manufacturer()
        markup = 1 + (manufacturer.warranty_parts_markup_percent or 0.0) / 100
        lines = []
        moves = self.move_ids.filtered(lambda m: m.repair_line_type == "add" and m.state == "done" and m.quantity)
        for move in moves:
            recall = move.warranty_recall_id & recalls
            if campaign_only and not recall:
                continue
            move_markup = 1 + recall.claim_parts_markup_percent / 100 if recall else markup
            lines.append(
                Command.create(
                    {
                        "line_type": "part",
                        "product_id": move.product_id.id,
                        "name": move.product_id.display_name,
                        "quantity": move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id),
                        "price_unit": move.product_id.standard_price * move_markup,
                        "return_required": move.product_id == self.causal_part_id,
                    }
                )
            )
        for labor in self.labor_line_ids:
            recall = labor.recall_id & recalls
            if campaign_only and not recall:
                continue
            standard = labor.guide_hours
            # The manufacturer pays its flat-rate time (time guide, else standard); more needs a reason on the line
            hours = min(labor.hours, standard) if standard else labor.hours
            lines.append(
                Command.create(
                    {
                        "line_type": "labor",
                        "labor_operation_id": labor.operation_id.id,
                        "name": labor.operation_id.display_name,
                        "quantity": hours,
                        "price_unit": recall.claim_labor_rate if recall else manufacturer.warranty_labor_rate,
                    }
                )
            )
        vals = {
            **self._prepare_claim_unit_vals(manufacturer),
            "defect_code_ids": [Command.set(self.defect_code_ids.ids)],
            "causal_part_id": self.causal_part_id.id,
            "failure_cause": self.failure_cause,
            "recall_id": recalls[:1].id,
            "line_ids": lines,
        }
        if campaign_only:
            # The repair's own fault is not the manufacturer's: the claim states the campaign's
            vals.update(
                {
                    "defect_code_ids": [Command.set(recalls.defect_code_id.ids)],
                    "causal_part_id": recalls[:1].part_ids[:1].product_id.id,
                    "failure_cause": _(
                        "Recall campaign %(campaigns)s",
                        campaigns=", ".join(recalls.mapped(lambda r: f"{r.campaign_code} ({r.name})")),
                    ),
                }
            )
        return vals

    def _get_claimable_jobs(self):
        """The jobs the manufacturer pays, wholly or its goodwill share."""
        self.ensure_one()
        return self.job_ids.filtered(lambda job: job._get_share("manufacturer") > 0)

    def _check_job_claim_possible(self):
        """One claim per visit: the jobs the manufacturer pays go to one manufacturer."""
        self.ensure_one()
        jobs = self._get_claimable_jobs()
        if not jobs:
            raise UserError(
                _(
                    "Repair %(repair)s has no job the manufacturer pays (warranty, extended warranty, campaign or a "
                    "manufacturer's goodwill share): there is nothing to claim.",
                    repair=self.name,
                )
            )
        manufacturers = {job: job._get_manufacturer() for job in jobs}
        nobody = [job for job, manufacturer in manufacturers.items() if not manufacturer]
        if nobody:
            raise UserError(
                _(
                    "Job %(job)s has no manufacturer to claim from: set it on the product.",
                    job=nobody[0].display_name,
                )
            )
        if len(set(manufacturers.values())) > 1:
            raise UserError(
                _(
                    "The jobs of repair %(repair)s are paid by several manufacturers (%(manufacturers)s): a visit is "
                    "claimed from one manufacturer. Move the other manufacturer's work to a repair of its own.",
                    repair=self.name,
                    manufacturers=", ".join(sorted({m.name for m in manufacturers.values()})),
                )
            )

    def _prepare_job_claim_vals(self):
        """The manufacturer's claim of a repair with jobs: its lines grouped by job, each with its 3C text."""
        self.ensure_one()
        jobs = self._get_claimable_jobs()
        manufacturer = jobs[:1]._get_manufacturer()
        lines = []
        for index, job in enumerate(jobs, start=1):
            for vals in job._prepare_claim_line_values(manufacturer, done_only=True):
                lines.append(Command.create({**vals, "job_id": job.id, "sequence": index * 100 + len(lines)}))
        diagnosed = jobs.filtered(lambda job: job.pay_type in ("warranty", "extension")) or jobs
        recalls = self.env["warranty.recall"].union(
            *(job._get_recalls() for job in jobs.filtered(lambda job: job.pay_type == "campaign"))
        )
        causal_part = diagnosed.causal_part_id[:1] or recalls[:1].part_ids[:1].product_id
        return {
            **self._prepare_claim_unit_vals(manufacturer),
            "defect_code_ids": [Command.set((jobs.defect_code_ids | recalls.defect_code_id).ids)],
            "causal_part_id": causal_part.id,
            "failure_cause": "\n\n".join(
                f"{job.display_name} ({job._get_pay_type_label()})\n{job._get_3c_text()}" for job in jobs
            ),
            "recall_id": recalls[:1].id,
            "line_ids": lines,
        }

    def _prepare_claim_unit_vals(self, manufacturer):
        """What every claim of this repair says of the unit and the visit, whatever its lines."""
        self.ensure_one()
        return {
            "manufacturer_id": manufacturer.id,
            "company_id": self.company_id.id,
            "repair_id": self.id,
            "registration_id": self.warranty_registration_id.id,
            "lot_id": self.lot_id.id,
            "product_id": self.product_id.id,
            "partner_id": self.partner_id.id,
            "failure_date": fields.Datetime.context_timestamp(self, self.schedule_date).date(),
            "repair_date": self.env["warranty.claim"]._get_repair_date(self),
            "odometer_km": self.odometer_km,
        }

    def _get_warranty_manager(self):
        """The user who receives the warranty department's to-dos for this company.

        The Responsible Warranty Manager of the company's settings; without one (or when that user left the
        group), a Warranty Manager of the company who is a person rather than the administrator or OdooBot
        (they hold the group to run the addon, not to do the department's work), the administrator last.
        """
        company = self.company_id[:1] or self.env.company
        group = self.env.ref("warranty_service.group_warranty_manager")
        # sudo: the workshop user confirming the repair may not read other users' groups nor the settings
        responsible = company.sudo().warranty_manager_user_id
        if responsible.active and group in responsible.groups_id and company in responsible.company_ids:
            return responsible
        admins = self.env.ref("base.user_root") | self.env.ref("base.user_admin")
        managers = group.sudo().users.filtered(
            lambda user: not user.share and user.active and company in user.company_ids
        ).sorted(lambda user: (user in admins, user.id))
        return managers.filtered(lambda user: user.id != 1)[:1] or self.env.user

    def _schedule_manufacturer_notification(self):
        # The to-do lands in the manager's activities; no assignment e-mail per repair (it would
        # render a mail template inside every confirmation)
        for repair in self.with_context(mail_activity_quick_update=True):
            manufacturer = repair._get_warranty_manufacturer()
            days = manufacturer.warranty_notification_days if manufacturer else 3
            repair.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(repair) + timedelta(days=days),
                summary=_("Notify the manufacturer of the warranty repair"),
                note=_(
                    "Repair %(repair)s of %(serial)s is covered by the manufacturer's warranty: notify "
                    "%(manufacturer)s within %(days)s days.",
                    repair=repair.name,
                    serial=repair.lot_id.name or "",
                    days=days,
                    manufacturer=manufacturer.name or _("the manufacturer"),
                ),
                user_id=repair._get_warranty_manager().id,
            )

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class RepairOrder(models.Model):
    """The visit's jobs, each paid by whoever owes it, and the dealer's own costs."""

    _inherit = "repair.order"  # pylint: disable=consider-merging-classes-inherited

    # Jobs: one visit, several complaints, each paid by whoever owes it (a repair without jobs has one coverage)
    job_ids = fields.One2many("warranty.repair.job", "repair_id", string="Jobs", copy=False)
    job_pay_types = fields.Char(
        string="Pay Types", compute="_compute_job_pay_types",
        help="Who pays the jobs of the repair: the mix of their pay types.",
    )
    job_expense_move_id = fields.Many2one(
        "account.move", string="Workshop Costs Entry", readonly=True, copy=False, check_company=True,
        index="btree_not_null",
        help="The entry of the work the dealer bears itself (internal jobs, comebacks, its goodwill share).",
    )

    @api.depends("job_ids.pay_type")
    def _compute_job_pay_types(self):
        labels = dict(self.env["warranty.repair.job"]._fields["pay_type"]._description_selection(self.env))
        for repair in self:
            counts = {}
            for job in repair.job_ids:
                counts[job.pay_type] = counts.get(job.pay_type, 0) + 1
            repair.job_pay_types = " · ".join(
                f"{labels[pay_type]} ×{count}" if count > 1 else labels[pay_type] for pay_type, count in counts.items()
            )

    def _update_job_sale_prices(self, moves=None, labors=None):
        """Price the customer's quotation lines of jobs' parts and labour at the customer's share.

        Customer jobs at the customer's prices, the customer's share of goodwill jobs at that share of them, the
        rest (warranty, extension, campaign, internal, comeback) at zero, as covered repairs are today. The line
        names the job and its pay type, and the invoice copies it.
        """
        if moves is None and labors is None:
            moves, labors = self.move_ids, self.labor_line_ids
        moves = (moves or self.env["stock.move"]).filtered(
            lambda move: move.job_id and move.sale_line_id and move.repair_line_type == "add"
        )
        labors = (labors or self.env["warranty.repair.labor"]).filtered(lambda line: line.job_id and line.sale_line_id)
        records = [
            (record, record.sale_line_id)
            for record in (*moves, *labors)
            if record.sale_line_id.order_id.state in ("draft", "sent") and not record.sale_line_id.qty_invoiced
        ]
        if not records:
            return
        sale_lines = self.env["sale.order.line"].union(*(line for _record, line in records))
        # The customer's price first (pricelist, fiscal position), then its share
        sale_lines.with_context(force_price_recomputation=True)._compute_price_unit()
        for record, sale_line in records:
            job = record.job_id
            share = job._get_share("customer")
            item = (
                record.product_id.display_name
                if record._name == "stock.move"
                else _("%(operation)s (%(repair)s)", operation=record.operation_id.display_name,
                       repair=record.repair_id.name)
            )
            vals = {
                "name": _(
                    "%(item)s\n%(pay_type)s - %(job)s",
                    item=item,
                    pay_type=job._get_pay_type_label(),
                    job=job.display_name,
                ),
            }
            if share != 1.0:
                # technical_price_unit keeps the customer's price: the line counts as priced by hand and a
                # later quantity change does not bring the full price back
                vals["price_unit"] = sale_line.currency_id.round(sale_line.price_unit * share)
            sale_line.write(vals)

    def _check_jobs_complete(self):
        """On a repair with jobs, every part and labour line belongs to a job: the jobs decide who pays them."""
        for repair in self.filtered("job_ids"):
            loose = repair.labor_line_ids.filtered(lambda line: not line.job_id).operation_id.mapped("display_name")
            loose += repair.move_ids.filtered(
                lambda m: not m.job_id and m.repair_line_type == "add" and m.state != "cancel"
            ).product_id.mapped("display_name")
            if loose:
                raise UserError(
                    _(
                        "Repair %(repair)s has jobs: put %(lines)s on the job it belongs to, so that it is known "
                        "who pays it.",
                        repair=repair.name,
                        lines=", ".join(loose),
                    )
                )
            repair.job_ids._check_goodwill_approved()
            for job in repair.job_ids.filtered(lambda j: j.pay_type in ("warranty", "extension")):
                missing = self._get_missing_diagnosis(
                    job.defect_code_ids, job.cause, _("the cause"), job.causal_part_id,
                )
                if missing:
                    raise UserError(
                        _(
                            "Job %(job)s is claimed from the manufacturer: record %(missing)s before completing the "
                            "repair, so the claim can be made.",
                            job=job.display_name,
                            missing=missing,
                        )
                    )

    def _get_job_expense_amounts(self):
        """{(kind, job): cost} of the work the dealer bears: 'internal' (internal jobs and comebacks) and
        'goodwill' (its goodwill share), at cost: parts at their cost, labour at its product's cost, sublet."""
        self.ensure_one()
        amounts = {}
        # The repair's parts and labour, which its completion has just read, by job: not read again job by job
        moves_by_job = self.move_ids.grouped("job_id")
        labors_by_job = self.labor_line_ids.grouped("job_id")
        for job in self.job_ids:
            share = job._get_share("dealer")
            if not share:
                continue
            cost = sum(
                move.product_uom._compute_quantity(move.quantity, move.product_id.uom_id)
                * move.product_id.standard_price
                for move in moves_by_job.get(job, ())
                if move.repair_line_type == "add" and move.state == "done"
            )
            cost += sum(line.hours * line.product_id.standard_price for line in labors_by_job.get(job, ()))
            cost += sum(job.sublet_line_ids.mapped("cost"))
            amount = self.company_id.currency_id.round(cost * share)
            if amount:
                amounts[("goodwill" if job.pay_type == "goodwill" else "internal", job)] = amount
        return amounts

    def _create_job_expense_moves(self):
        """Book the work the dealer bears itself to the expense accounts of the settings, one entry per repair."""
        vals_list = []
        repairs = self.env["repair.order"]
        analytic_models = None
        for repair in self:
            amounts = repair._get_job_expense_amounts()
            if not amounts:
                continue
            if analytic_models is None:
                # sudo: the workshop completing the repair reads the company's analytic settings. Core looks the
                # analytic distribution models up line by line; where there are none, the lines say so at once
                analytic_models = self.env["account.analytic.distribution.model"].sudo().search_count(
                    [("company_id", "in", [*self.company_id.ids, False])], limit=1,
                )
            # sudo: the workshop completing the repair reads the company's accounting settings
            company = repair.company_id.sudo()
            accounts = {
                "internal": company.warranty_internal_expense_account_id,
                "goodwill": company.warranty_goodwill_expense_account_id,
            }
            counterpart = company.warranty_job_cost_account_id
            journal = company.warranty_job_journal_id or self.env["account.journal"].sudo().search(
                [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
            )
            missing = {kind for kind, _job in amounts if not accounts[kind]}
            if missing or not counterpart or not journal:
                raise UserError(
                    _(
                        "Repair %(repair)s has work the dealer bears itself (internal jobs, comebacks or its goodwill "
                        "share): set the Internal Work Expense, Dealer Goodwill Expense and Workshop Costs Absorbed "
                        "accounts (Warranty > Configuration > Settings) before completing it.",
                        repair=repair.name,
                    )
                )
            lines = [
                Command.create({
                    # env._: the caller's language is not found from inside a comprehension
                    "name": self.env._(
                        "%(repair)s - %(job)s (%(pay_type)s)",
                        repair=repair.name, job=job.display_name, pay_type=job._get_pay_type_label(),
                    ),
                    "account_id": accounts[kind].id,
                    "debit": amount,
                    "credit": 0.0,
                })
                for (kind, job), amount in amounts.items()
            ]
            lines.append(Command.create({
                "name": _("%(repair)s - work borne by the dealer", repair=repair.name),
                "account_id": counterpart.id,
                "debit": 0.0,
                "credit": sum(amounts.values()),
            }))
            if not analytic_models:
                for __, __, line_vals in lines:
                    line_vals["analytic_distribution"] = False
            vals = {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": company.id,
                "date": fields.Date.context_today(repair),
                "ref": repair.name,
                # Numbered when posted, just below: no lookup of the journal's last number for the draft
                "name": "/",
                "line_ids": lines,
            }
            if "team_id" in self.env["account.move"]._fields:
                # An internal entry, not a sale: no default sales team looked up for it
                vals["team_id"] = False
            vals_list.append(vals)
            repairs |= repair
        if not vals_list:
            return
        # sudo: the workshop completing the repair is no accountant; the entry follows from the jobs' pay types
        # mail_create_nolog: no "created" message on an entry posted at once (the posting is tracked)
        moves = self.env["account.move"].sudo().with_context(mail_create_nolog=True).create(vals_list)
        moves.action_post()
        for repair, move in zip(repairs, moves, strict=True):
            repair.sudo().job_expense_move_id = move

import base64
import io
from collections import defaultdict

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

MONTHS = [(str(number), name) for number, name in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], start=1)]


class WarrantyClaimMonthlyReport(models.TransientModel):
    """A manufacturer's month: its claims and their money, its defects and failure rates, its running recalls."""

    _name = "warranty.claim.monthly.report"
    _description = "Monthly Claims Report"

    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)
    month = fields.Selection(MONTHS, required=True,
                             default=lambda self: str(fields.Date.context_today(self).month))
    manufacturer_ids = fields.Many2many(
        "res.partner", string="Manufacturers",
        help="Leave empty for every manufacturer with claims, failures or a running campaign in the month.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(compute="_compute_dates")
    date_to = fields.Date(compute="_compute_dates")
    xlsx_file = fields.Binary(string="Spreadsheet", readonly=True, attachment=False)
    xlsx_filename = fields.Char()

    @api.depends("year", "month")
    def _compute_dates(self):
        for wizard in self:
            if wizard.year and wizard.month:
                wizard.date_from = fields.Date.to_date(f"{wizard.year:04d}-{int(wizard.month):02d}-01")
                wizard.date_to = wizard.date_from + relativedelta(day=31)
            else:
                wizard.date_from = wizard.date_to = False

    @api.constrains("year")
    def _check_year(self):
        for wizard in self:
            if not 1900 < wizard.year < 3000:
                raise ValidationError(_("%(year)s is not a year.", year=wizard.year))

    def action_print_pdf(self):
        """Print the month's report, a section per manufacturer."""
        self._get_report_data()  # refuse an empty month here rather than print a blank page
        return self.env.ref("warranty_service.action_report_claim_monthly").report_action(self)

    def action_export_xlsx(self):
        """The same figures as a spreadsheet, to download."""
        self.ensure_one()
        self.write({
            "xlsx_file": base64.b64encode(self._render_xlsx(self._get_report_data())),
            "xlsx_filename": f"warranty-claims-{self.year:04d}-{int(self.month):02d}.xlsx",
        })
        # Named, or the dialog would be titled "Odoo"
        return {"type": "ir.actions.act_window", "name": _("Monthly Claims Report"), "res_model": self._name,
                "res_id": self.id, "views": [(False, "form")], "target": "new"}

    def _get_period_label(self):
        self.ensure_one()
        return f"{dict(self._fields['month']._description_selection(self.env))[self.month]} {self.year}"

    def _get_report_data(self):
        """One dict per manufacturer with the month's figures; a handful of grouped queries for all of them."""
        self.ensure_one()
        start, end = self.date_from, self.date_to
        company = [("company_id", "=", self.company_id.id)]
        makers = [("manufacturer_id", "in", self.manufacturer_ids.ids)] if self.manufacturer_ids else []
        Claim = self.env["warranty.claim"]
        raised = dict(Claim._read_group(
            company + makers + [("repair_date", ">=", start), ("repair_date", "<=", end), ("state", "!=", "cancel")],
            ["manufacturer_id"], ["__count"],
        ))
        submitted = {
            manufacturer: (count, claimed, accepted, rejected, rate)
            for manufacturer, count, claimed, accepted, rejected, rate in Claim._read_group(
                company + makers + [("submission_date", ">=", start), ("submission_date", "<=", end)],
                ["manufacturer_id"],
                # The acceptance rate of the decided claims, weighted by their amounts (see _read_group_select)
                ["__count", "amount_claimed:sum", "amount_accepted:sum", "amount_rejected:sum", "acceptance_rate:avg"],
            )
        }
        # The claims paid in the month: their average delay, and the same weighted by what they were paid
        paid = {
            manufacturer: (days, weighted)
            for manufacturer, days, weighted in Claim._read_group(
                company + makers + [("date_paid", ">=", start), ("date_paid", "<=", end)],
                ["manufacturer_id"], ["days_to_payment:avg", "days_to_payment_weighted:avg"],
            )
        }
        # The audits' chargebacks dated in the month and not reversed
        chargebacks = {
            manufacturer: (count, amount)
            for manufacturer, count, amount in self.env["warranty.claim.chargeback.line"]._read_group(
                company + makers
                + [("date", ">=", start), ("date", "<=", end), ("state", "in", ("posted", "disputed"))],
                ["manufacturer_id"], ["__count", "amount:sum"],
            )
        }
        Register = self.env["warranty.defect.register"]
        register_domain = company + makers + [("date", ">=", start), ("date", "<=", end)]
        defects = defaultdict(list)
        for manufacturer, defect, count in Register._read_group(
            register_domain, ["manufacturer_id", "defect_code_id"], ["failure_count:sum"],
        ):
            defects[manufacturer].append({"defect": defect, "count": count})
        failures = Register._read_group(register_domain, ["manufacturer_id", "product_tmpl_id"], ["failure_count:sum"])
        units = defaultdict(int)
        # Units in service: registrations (active or expired, not void) started by the end of the month
        for product, count in self.env["warranty.registration"]._read_group(
            company + [("is_void", "=", False), ("date_start", "<=", end),
                       ("product_id.product_tmpl_id", "in", [template.id for _maker, template, _count in failures])],
            ["product_id"], ["__count"],
        ):
            units[product.product_tmpl_id] += count
        rates = defaultdict(list)
        for manufacturer, template, count in failures:
            rates[manufacturer].append({
                "model": template, "failures": count, "units": units[template],
                "rate": 100.0 * count / units[template] if units[template] else 0.0,
            })
        recalls = defaultdict(list)
        # Campaigns running now that had started by the end of the month
        for recall in self.env["warranty.recall"].search(
            company + makers + [("state", "=", "open"), ("date_start", "<=", end)],
        ):
            recalls[recall.manufacturer_id].append(recall)

        manufacturers = self.manufacturer_ids or (
            self.env["res.partner"].union(*raised, *submitted, *paid, *chargebacks, *defects, *rates, *recalls)
        )
        manufacturers = manufacturers.filtered(bool).sorted("name")
        if not manufacturers:
            raise UserError(_("No manufacturer has claims, failures or a running recall in %(period)s.",
                              period=self._get_period_label()))
        data = []
        for manufacturer in manufacturers:
            count, claimed, accepted, rejected, rate = submitted.get(manufacturer, (0, 0.0, 0.0, 0.0, None))
            days, weighted = paid.get(manufacturer, (None, None))
            chargeback_count, chargeback_amount = chargebacks.get(manufacturer, (0, 0.0))
            data.append({
                "chargeback_count": chargeback_count,
                "chargeback_amount": chargeback_amount,
                "acceptance_rate": rate,
                "days_to_payment": days,
                "days_to_payment_weighted": weighted,
                "manufacturer": manufacturer,
                "claims_raised": raised.get(manufacturer, 0),
                "claims_submitted": count,
                "amount_claimed": claimed,
                "amount_accepted": accepted,
                "amount_rejected": rejected,
                "defects": sorted(defects[manufacturer], key=lambda row: (-row["count"], row["defect"].code or "")),
                "failure_rates": sorted(rates[manufacturer], key=lambda row: -row["rate"]),
                "recalls": recalls[manufacturer],
            })
        return data

    def _render_xlsx(self, data):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        percent = book.add_format({"num_format": "0.00"})
        sheets = {
            "claims": (_("Claims"), [_("Manufacturer"), _("Claims Raised"), _("Claims Submitted"), _("Claimed"),
                                      _("Accepted"), _("Rejected"), _("Acceptance (%)"), _("Days to Payment"),
                                      _("Days to Payment (weighted)"), _("Chargebacks"), _("Charged Back")]),
            "defects": (_("Defects"), [_("Manufacturer"), _("Defect Code"), _("Defect"), _("Failures")]),
            "rates": (_("Failure Rates"), [_("Manufacturer"), _("Model"), _("Failures"), _("Units in Service"),
                                           _("Failures per 100 Units")]),
            "recalls": (_("Recalls"), [_("Manufacturer"), _("Campaign Code"), _("Campaign"), _("Done"), _("Open"),
                                       _("Not Applicable"), _("Progress (%)")]),
        }
        rows = {"claims": [], "defects": [], "rates": [], "recalls": []}
        for section in data:
            name = section["manufacturer"].name
            rows["claims"].append([(name, None), (section["claims_raised"], None), (section["claims_submitted"], None),
                                   (section["amount_claimed"], money), (section["amount_accepted"], money),
                                   (section["amount_rejected"], money),
                                   *[(section[key] if section[key] is not None else "", percent)
                                     for key in ("acceptance_rate", "days_to_payment", "days_to_payment_weighted")],
                                   (section["chargeback_count"], None), (section["chargeback_amount"], money)])
            rows["defects"] += [[(name, None), (row["defect"].code or "", None), (row["defect"].name or "", None),
                                 (row["count"], None)] for row in section["defects"]]
            rows["rates"] += [[(name, None), (row["model"].name, None), (row["failures"], None), (row["units"], None),
                               (row["rate"], percent)] for row in section["failure_rates"]]
            rows["recalls"] += [[(name, None), (recall.campaign_code, None), (recall.name, None),
                                 (recall.count_done, None), (recall.count_open, None),
                                 (recall.count_not_applicable, None), (recall.progress, percent)]
                                for recall in section["recalls"]]
        for key, (title, header) in sheets.items():
            sheet = book.add_worksheet(title)
            sheet.write(0, 0, _("%(title)s, %(period)s", title=title, period=self._get_period_label()), bold)
            sheet.write_row(2, 0, header, bold)
            for row_index, row in enumerate(rows[key], start=3):
                for column, (value, style) in enumerate(row):
                    sheet.write(row_index, column, value, style)
            sheet.set_column(0, len(header) - 1, 18)
        book.close()
        return output.getvalue()

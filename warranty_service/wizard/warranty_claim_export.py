import base64
import csv
import io

from lxml import etree

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# The columns of the export, in order; docs/admin.md documents them
EXPORT_COLUMNS = [
    "claim_number", "revision", "line_ref", "line_type", "product_code", "description", "quantity",
    "price_unit", "amount_claimed", "return_required", "part_tag", "serial", "unit", "odometer_km",
    "failure_date", "repair_date", "defect_codes", "causal_part", "failure_cause",
    # Repair jobs (appended: readers of the columns above are not disturbed); empty for a repair without jobs
    "job_ref", "pay_type", "complaint", "cause", "correction", "job_defect_codes", "authorization_number",
    "authorization_amount", "authorization_date", "sublet",
    # Claim types and their documents (issue 25): the files on the claim, as "id:name" separated by "; "
    "claim_type", "attachments",
    # The customer's share and the parts warranty (issue 24): the line's value = customer_share +
    # manufacturer_amount (= amount_claimed); part_warranty names the repair that fitted the failed part
    "customer_share", "manufacturer_amount", "part_warranty", "part_warranty_date",
]


class WarrantyClaimExport(models.TransientModel):
    _name = "warranty.claim.export"
    _description = "Export Warranty Claims for a Manufacturer"

    manufacturer_id = fields.Many2one("res.partner", string="Manufacturer", required=True)
    claim_ids = fields.Many2many("warranty.claim", string="Claims")
    file_format = fields.Selection([("csv", "CSV"), ("xml", "XML")], string="Format", required=True, default="csv")
    data = fields.Binary(string="File", readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "warranty.claim" and self.env.context.get("active_ids"):
            claims = self.env["warranty.claim"].browse(self.env.context["active_ids"])
            values["claim_ids"] = [(6, 0, claims.ids)]
            if len(claims.manufacturer_id) == 1:
                values["manufacturer_id"] = claims.manufacturer_id.id
        return values

    def action_export(self):
        """Write the batch file of the submitted claims, in the chosen format."""
        self.ensure_one()
        claims = self.claim_ids or self.env["warranty.claim"].search([
            ("manufacturer_id", "=", self.manufacturer_id.id), ("state", "=", "submitted"),
        ])
        if not claims:
            raise UserError(_("There is no submitted claim for %(manufacturer)s to export.",
                              manufacturer=self.manufacturer_id.name))
        others = claims.filtered(lambda c: c.manufacturer_id != self.manufacturer_id)
        if others:
            raise UserError(_("Claim %(name)s is for another manufacturer: export one manufacturer at a time.",
                              name=others[0].name))
        unsent = claims.filtered(lambda c: c.state != "submitted")
        if unsent:
            raise UserError(_("Claim %(name)s is not submitted: only submitted claims are exported.",
                              name=unsent[0].name))
        # The file is read at the manufacturer: its names and descriptions in the manufacturer's language (the
        # column names and element tags are the file's fixed interface, documented in the README)
        claims = claims.with_context(lang=self.manufacturer_id.lang or self.env.lang)
        rows = list(self._export_rows(claims))
        stamp = fields.Datetime.context_timestamp(self, fields.Datetime.now()).strftime("%Y%m%d-%H%M%S")
        if self.file_format == "csv":
            content = self._to_csv(rows)
        else:
            content = self._to_xml(claims)
        self.write({
            "data": base64.b64encode(content),
            "filename": f"warranty-claims-{stamp}.{self.file_format}",
        })
        # The dialog keeps its title: an action without a name would be titled "Odoo"
        return {"type": "ir.actions.act_window", "name": _("Export Claims"), "res_model": self._name,
                "res_id": self.id, "views": [(False, "form")], "target": "new"}

    def _get_attachments(self, claims):
        """{claim id: attachments} of the claims' files (photos, diagnostic logs), in one query."""
        by_claim = {}
        # sudo: the files of claims the user exports (ir.attachment would check each claim again)
        for attachment in self.env["ir.attachment"].sudo().search_fetch(
            [("res_model", "=", "warranty.claim"), ("res_id", "in", claims.ids)], ["res_id", "name", "mimetype"],
            order="id",
        ):
            by_claim.setdefault(attachment.res_id, []).append(attachment)
        return by_claim

    def _export_rows(self, claims):
        attachments = self._get_attachments(claims)
        claims.line_ids.fetch(["claim_id", "line_type", "product_id", "name", "quantity", "price_unit",
                               "amount_claimed", "return_required", "returned_lot_id", "returned_package_id",
                               "job_id", "is_sublet", "customer_share_amount", "part_warranty_id"])
        for claim in claims:
            for line in claim.line_ids:
                yield {
                    "claim_number": claim.name,
                    "revision": claim.revision,
                    "line_ref": line.id,
                    "line_type": line.line_type,
                    "product_code": line.product_id.default_code or line.labor_operation_id.code or "",
                    "description": line.name,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "amount_claimed": line.amount_claimed,
                    "return_required": int(line.return_required),
                    # The tag is the package the part waits in (its printed barcode), else the part's serial
                    "part_tag": line.returned_package_id.name or line.returned_lot_id.name or "",
                    "serial": claim.lot_id.name or "",
                    "unit": claim.product_id.display_name or "",
                    "odometer_km": claim.odometer_km,
                    "failure_date": claim.failure_date or "",
                    "repair_date": claim.repair_date or "",
                    "defect_codes": " ".join(claim.defect_code_ids.mapped("code")),
                    "causal_part": claim.causal_part_id.default_code or claim.causal_part_id.display_name or "",
                    "failure_cause": claim.failure_cause or "",
                    **self._export_job_values(line),
                    "claim_type": claim.claim_type or "",
                    "attachments": "; ".join(
                        f"{attachment.id}:{attachment.name}" for attachment in attachments.get(claim.id, ())
                    ),
                    **self._export_share_values(line),
                }

    def _export_share_values(self, line):
        """What the customer pays of the line, what the manufacturer is asked, and the parts warranty it is
        claimed under (the repair that fitted the part and the day)."""
        warranty = line.part_warranty_id
        return {
            "customer_share": line.customer_share_amount or 0.0,
            "manufacturer_amount": line.amount_claimed,
            "part_warranty": warranty.repair_id.name or "",
            "part_warranty_date": warranty.date_start or "",
        }

    def _export_job_values(self, line):
        """The job columns of a claim line: its 3C, codes, prior authorization and whether it is sublet."""
        job = line.job_id
        return {
            "job_ref": job.id or "",
            "pay_type": job.pay_type or "",
            "complaint": job.complaint or "",
            "cause": job.cause or "",
            "correction": job.correction or "",
            "job_defect_codes": " ".join(job.defect_code_ids.mapped("code")),
            "authorization_number": job.authorization_number or "",
            "authorization_amount": (job.authorization_amount or "") if job else "",
            "authorization_date": job.authorization_date or "",
            "sublet": int(line.is_sublet),
        }

    def _to_csv(self, rows):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")

    def _to_xml(self, claims):
        root = etree.Element("warranty_claims", manufacturer=self.manufacturer_id.name or "",
                             dealer=self.env.company.name or "")
        attachments = self._get_attachments(claims)
        for claim in claims:
            node = etree.SubElement(root, "claim", number=claim.name, revision=str(claim.revision),
                                    type=claim.claim_type or "")
            unit = etree.SubElement(node, "unit", serial=claim.lot_id.name or "",
                                    odometer_km=str(claim.odometer_km))
            unit.text = claim.product_id.display_name or ""
            etree.SubElement(node, "failure_date").text = str(claim.failure_date or "")
            etree.SubElement(node, "repair_date").text = str(claim.repair_date or "")
            etree.SubElement(node, "defect_codes").text = " ".join(claim.defect_code_ids.mapped("code"))
            etree.SubElement(node, "causal_part").text = claim.causal_part_id.display_name or ""
            etree.SubElement(node, "failure_cause").text = claim.failure_cause or ""
            if attachments.get(claim.id):
                files = etree.SubElement(node, "attachments")
                for attachment in attachments[claim.id]:
                    etree.SubElement(files, "attachment", id=str(attachment.id), name=attachment.name or "",
                                     mimetype=attachment.mimetype or "")
            lines = etree.SubElement(node, "lines")
            for line in claim.line_ids:
                item = etree.SubElement(lines, "line", ref=str(line.id), type=line.line_type,
                                        return_required=str(int(line.return_required)))
                etree.SubElement(item, "code").text = line.product_id.default_code or line.labor_operation_id.code or ""
                etree.SubElement(item, "description").text = line.name
                etree.SubElement(item, "quantity").text = str(line.quantity)
                etree.SubElement(item, "price_unit").text = str(line.price_unit)
                etree.SubElement(item, "amount_claimed").text = str(line.amount_claimed)
                if line.returned_package_id or line.returned_lot_id:
                    etree.SubElement(item, "part_tag").text = line.returned_package_id.name or line.returned_lot_id.name
                share = self._export_share_values(line)
                etree.SubElement(item, "customer_share").text = str(share["customer_share"])
                etree.SubElement(item, "manufacturer_amount").text = str(share["manufacturer_amount"])
                if share["part_warranty"]:
                    etree.SubElement(item, "part_warranty", repair=share["part_warranty"],
                                     date=str(share["part_warranty_date"]))
                if line.is_sublet:
                    item.set("sublet", "1")
                if line.job_id:
                    self._job_to_xml(item, line)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    def _job_to_xml(self, item, line):
        values = self._export_job_values(line)
        job = etree.SubElement(item, "job", ref=str(values["job_ref"]), pay_type=values["pay_type"])
        for name in ("complaint", "cause", "correction"):
            etree.SubElement(job, name).text = values[name]
        etree.SubElement(job, "defect_codes").text = values["job_defect_codes"]
        if values["authorization_number"]:
            etree.SubElement(
                job, "authorization", number=values["authorization_number"],
                amount=str(values["authorization_amount"]), date=str(values["authorization_date"]),
            )
        return job

from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class WarrantyClaim(models.Model):
    """Returned defective parts: set aside at submission, shipped to or scrapped for the manufacturer."""

    _inherit = "warranty.claim"

    def action_ship_returned_parts(self):
        """The manufacturer asked for the parts: a transfer from the warranty returns to the manufacturer."""
        for claim in self:
            lines = claim.line_ids.filtered(lambda l: l.return_state == "kept")
            if not lines:
                raise UserError(_("Claim %(name)s has no part kept in the warranty returns.", name=claim.name))
            returns = claim._get_returns_location()
            destination = self.env.ref("stock.stock_location_suppliers")
            picking = claim._create_parts_transfer(
                lines, returns.warehouse_id.out_type_id, returns, destination, partner=claim.manufacturer_id,
            )
            picking.action_confirm()
            picking.action_assign()
            lines.write({"return_state": "shipped"})
            claim.manufacturer_return_picking_id = picking.with_env(self.env)
        return True

    def _get_returns_location(self):
        self.ensure_one()
        warehouse = self.repair_id._get_warehouse() if self.repair_id else self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1)
        return warehouse._get_warranty_returns_location()

    def _create_parts_transfer(self, lines, picking_type, source, destination, partner=None):
        """A transfer of the parts of claim ``lines``, tagged with the claim number."""
        self.ensure_one()
        # sudo: the warranty engineer files and ships defective parts without managing stock
        return self.env["stock.picking"].sudo().create(
            self._prepare_parts_transfer_vals(lines, picking_type, source, destination, partner=partner),
        )

    def _prepare_parts_transfer_vals(self, lines, picking_type, source, destination, partner=None):
        """Values of the transfer of the parts of claim ``lines``; a hook for other modules."""
        self.ensure_one()
        return {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": partner.id if partner else False,
            "origin": self.name,
            "move_ids": [Command.create({
                "name": self.name,
                "product_id": line.product_id.id,
                "product_uom_qty": line.quantity,
                "product_uom": line.product_id.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
            }) for line in lines],
        }

    def _set_aside_returned_parts(self):
        """The defective parts the manufacturer wants move into the warranty returns, tagged with the claim.

        One transfer per claim, but created, confirmed and validated together: submitting a
        thousand claims costs a few queries per claim, not a stock operation each.
        """
        todo = []
        returns_by_warehouse = {}
        for claim in self:
            lines = claim.line_ids.filtered(lambda l: l.return_required and l.product_id)
            if not lines:
                continue
            warehouse = claim.repair_id._get_warehouse() if claim.repair_id else self.env["stock.warehouse"].search(
                [("company_id", "=", claim.company_id.id)], limit=1)
            if warehouse not in returns_by_warehouse:
                returns_by_warehouse[warehouse] = warehouse._get_warranty_returns_location()
            returns = returns_by_warehouse[warehouse]
            # The removed part comes out of the unit, not out of the dealer's stock: it enters the books
            # the way found goods do, through the company's inventory adjustment location
            source = lines[0].product_id.with_company(claim.company_id).property_stock_inventory
            # Read now: the stock operations below invalidate the cache, and reading lines one by one
            # after them costs a query each
            parts = [(line.product_id.id, line.quantity, line.returned_lot_id.id) for line in lines]
            todo.append((claim, lines, returns, source, parts))
        if not todo:
            return
        # sudo: the warranty engineer files defective parts without managing stock
        pickings = self.env["stock.picking"].sudo().create([
            claim._prepare_parts_transfer_vals(lines, returns.warehouse_id.int_type_id, source, returns)
            for claim, lines, returns, source, _parts in todo
        ])
        pickings.action_confirm()
        # The returned part's own tag or serial goes on the move line: replace what reservation proposed
        pickings.move_ids.move_line_ids.unlink()
        move_line_vals = []
        for (_claim, _lines, returns, source, parts), picking in zip(todo, pickings):
            for move, (product_id, quantity, lot_id) in zip(picking.move_ids, parts):
                move_line_vals.append({
                    "move_id": move.id, "picking_id": picking.id, "product_id": product_id,
                    "quantity": quantity, "lot_id": lot_id, "location_id": source.id, "location_dest_id": returns.id,
                })
        self.env["stock.move.line"].sudo().create(move_line_vals)
        pickings.move_ids.picked = True
        pickings._action_done()
        for (claim, _lines, _returns, _source, _parts), picking in zip(todo, pickings):
            claim.return_picking_id = picking.with_env(self.env)
        self.env["warranty.claim.line"].union(*(item[1] for item in todo)).write({"return_state": "kept"})


class WarrantyClaimLine(models.Model):
    _inherit = "warranty.claim.line"

    return_required = fields.Boolean(
        string="Return Part", help="The manufacturer wants the defective part: it is kept in the warranty returns.",
    )
    returned_lot_id = fields.Many2one(
        "stock.lot", string="Part Tag / Serial", check_company=True,
        help="The defective part's own serial number or tag, when it has one.",
    )
    return_state = fields.Selection(
        [("none", "Not Requested"), ("kept", "Kept"), ("shipped", "Shipped to Manufacturer"), ("scrapped", "Scrapped")],
        string="Part Status", default="none", required=True, copy=False, readonly=True,
        help="Kept: the defective part waits in the warranty returns.\n"
        "Shipped: it went back to the manufacturer, who asked for it.\n"
        "Scrapped: nobody asked for it within the retention period.",
    )
    return_until = fields.Date(
        string="Keep Until", compute="_compute_return_until", store=True,
        help="The part may be scrapped after this date unless the manufacturer asks for it.",
    )

    @api.depends("claim_id.submission_date", "claim_id.manufacturer_id.warranty_parts_retention_days")
    def _compute_return_until(self):
        for line in self:
            days = line.claim_id.manufacturer_id.warranty_parts_retention_days
            submitted = line.claim_id.submission_date
            line.return_until = submitted + timedelta(days=days) if submitted else False

    def action_scrap_expired_parts(self):
        """Scrap the kept parts whose retention period is over, in one action."""
        today = fields.Date.context_today(self)
        lines = self.filtered(lambda l: l.return_state == "kept" and l.return_until and l.return_until < today)
        if not lines:
            raise UserError(_("None of these parts is kept past its retention period."))
        scraps = self.env["stock.scrap"].create([{
            "product_id": line.product_id.id,
            "scrap_qty": line.quantity,
            "product_uom_id": line.product_id.uom_id.id,
            "lot_id": line.returned_lot_id.id,
            "location_id": line.claim_id._get_returns_location().id,
            "origin": line.claim_id.name,
            "company_id": line.company_id.id,
        } for line in lines])
        scraps.do_scrap()
        lines.write({"return_state": "scrapped"})
        return True

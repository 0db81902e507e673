from collections import defaultdict
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# Context key of the writes that the stock operations make to a returned part's status
RETURNED_PARTS_UPDATE = "warranty_returned_parts_update"
# Written by the stock operations only
RETURN_STATUS_FIELDS = {"return_state", "returned_package_id", "returned_date"}


class WarrantyClaim(models.Model):
    """Returned defective parts: set aside at submission, shipped to or scrapped for the manufacturer.

    Each part waits, in its own package named after the claim line, in the warehouse's *Warranty
    Returns*: a virtual location, so it is neither On Hand nor valued stock. Shipping and scrapping move
    that very package; a line's status follows its transfers.
    """

    _inherit = "warranty.claim"  # pylint: disable=consider-merging-classes-inherited

    return_picking_id = fields.Many2one(
        "stock.picking",
        string="Returned Parts",
        readonly=True,
        copy=False,
        check_company=True,
        help="The parts set aside in the warranty returns.",
    )
    manufacturer_return_picking_id = fields.Many2one(
        "stock.picking",
        string="Shipment to Manufacturer",
        readonly=True,
        copy=False,
        check_company=True,
    )
    has_parts_to_ship = fields.Boolean(
        compute="_compute_has_parts_to_ship", help="Parts of this claim wait in the warranty returns.",
    )

    @api.depends("line_ids.return_state")
    def _compute_has_parts_to_ship(self):
        for claim in self:
            claim.has_parts_to_ship = any(line.return_state == "kept" for line in claim.line_ids)

    def action_ship_returned_parts(self):
        """The manufacturer asked for the parts: a transfer of their packages from the warranty returns."""
        self.env["warranty.claim.line"]._check_returned_parts_rights()
        todo = []
        self.line_ids._lock_returned_parts()
        for claim in self:
            if claim.state in ("draft", "cancel"):
                raise UserError(_(
                    "Claim %(name)s is not submitted: its parts are not set aside for the manufacturer.",
                    name=claim.name,
                ))
            lines = claim.line_ids.filtered(lambda line: line.return_state == "kept")
            if not lines:
                raise UserError(_("Claim %(name)s has no part kept in the warranty returns.", name=claim.name))
            todo.append((claim, lines))
        destination = self.env.ref("stock.stock_location_suppliers")
        for claim, lines in todo:
            by_source = defaultdict(lambda: self.env["warranty.claim.line"])
            for line in lines:
                by_source[line._get_returned_part_location()] |= line
            for source, source_lines in by_source.items():
                picking = claim._create_parts_transfer(
                    source_lines, claim._get_returns_warehouse().out_type_id, source, destination,
                    partner=claim.manufacturer_id,
                )
                claim._move_returned_packages(picking, keep_package=True)
                # sudo: the claim's transfers are set by these actions only (see _check_write_rights)
                claim.sudo().manufacturer_return_picking_id = picking.id
            lines._write_return_values({"return_state": "to_ship"})
        return True

    def action_print_returned_part_tags(self):
        """Print the tag of each part of the claim set aside for the manufacturer."""
        return self.line_ids.action_print_returned_part_tag()

    def _get_returns_warehouse(self):
        self.ensure_one()
        if self.repair_id:
            return self.repair_id._get_warehouse()
        return self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)

    def _get_returns_location(self):
        self.ensure_one()
        return self._get_returns_warehouse()._get_warranty_returns_location()

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
                "warranty_claim_line_id": line.id,
            }) for line in lines],
        }

    def _move_returned_packages(self, pickings, keep_package=False):
        """Confirm ``pickings`` and put on their moves each line's own part: its package, its serial.

        The source is a virtual location, where stock does not reserve: what reservation would propose
        is any quantity of the product, so it is replaced by the line's package (and lot), never another
        claim's part.
        """
        pickings.action_confirm()
        pickings.move_ids.move_line_ids.unlink()
        self.env["stock.move.line"].sudo().create([{
            "move_id": move.id,
            "picking_id": move.picking_id.id,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_uom.id,
            "quantity": move.product_uom_qty,
            "lot_id": move.warranty_claim_line_id.returned_lot_id.id,
            "package_id": move.warranty_claim_line_id.returned_package_id.id if keep_package else False,
            "result_package_id": move.warranty_claim_line_id.returned_package_id.id,
            "location_id": move.location_id.id,
            "location_dest_id": move.location_dest_id.id,
        } for move in pickings.move_ids])
        pickings.move_ids._recompute_state()

    def _set_aside_returned_parts(self):
        """The defective parts the manufacturer wants move into the warranty returns, one package per line.

        One transfer per claim, but created, confirmed and validated together: submitting a
        thousand claims costs a few queries per claim, not a stock operation each. A resubmitted
        claim's parts are already set aside: only lines not set aside yet are.
        """
        todo = []
        returns_by_warehouse = {}
        for claim in self:
            lines = claim.line_ids.filtered(
                lambda line: line.return_required and line.product_id and line.return_state == "none"
            )
            if not lines:
                continue
            untagged = lines.filtered(lambda line: line.product_id.tracking != "none" and not line.returned_lot_id)
            if untagged:
                raise UserError(_(
                    "Claim %(name)s: %(part)s is tracked by serial or lot: enter the defective part's own "
                    "serial (Part Tag / Serial) on its line before submitting.",
                    name=claim.name, part=untagged[0].product_id.display_name,
                ))
            warehouse = claim._get_returns_warehouse()
            if warehouse not in returns_by_warehouse:
                returns_by_warehouse[warehouse] = warehouse._get_warranty_returns_location()
            returns = returns_by_warehouse[warehouse]
            # The removed part comes out of the unit, not out of the dealer's stock: it enters the books
            # the way found goods do, through the company's inventory adjustment location
            source = lines[0].product_id.with_company(claim.company_id).property_stock_inventory
            todo.append((claim, lines, warehouse, returns, source))
        if not todo:
            return
        all_lines = self.env["warranty.claim.line"].union(*(item[1] for item in todo))
        # sudo: the warranty engineer files defective parts without managing stock
        packages = self.env["stock.quant.package"].sudo().create([
            {"name": line._get_returned_part_reference(), "company_id": line.company_id.id}
            for line in all_lines
        ])
        for line, package in zip(all_lines, packages, strict=True):
            line._write_return_values({"returned_package_id": package.id, "returned_date": line.submission_date})
        # sudo: see above
        pickings = self.env["stock.picking"].sudo().create([
            claim._prepare_parts_transfer_vals(lines, warehouse.int_type_id, source, returns)
            for claim, lines, warehouse, returns, source in todo
        ])
        self._move_returned_packages(pickings)
        pickings.move_ids.picked = True
        # Done: the stock hook marks each line's part as kept
        pickings._action_done()
        for (claim, *_rest), picking in zip(todo, pickings, strict=True):
            # sudo: the claim's transfers are set by these actions only (see _check_write_rights)
            claim.sudo().return_picking_id = picking.id


class WarrantyClaimLine(models.Model):
    _inherit = "warranty.claim.line"

    return_required = fields.Boolean(
        string="Return Part", help="The manufacturer wants the defective part: it is kept in the warranty returns.",
    )
    returned_lot_id = fields.Many2one(
        "stock.lot", string="Part Tag / Serial", check_company=True,
        help="The defective part's own serial number or tag, when it has one.",
    )
    returned_package_id = fields.Many2one(
        "stock.quant.package", string="Part Package", readonly=True, copy=False, check_company=True,
        index="btree_not_null",
        help="The package that keeps this line's defective part apart from any other, named after the claim "
        "line and printed on its tag.",
    )
    returned_date = fields.Date(string="Set Aside On", readonly=True, copy=False)
    return_move_ids = fields.One2many(
        "stock.move", "warranty_claim_line_id", string="Part Moves", readonly=True,
        help="The moves of the defective part: set aside, shipped to the manufacturer or scrapped.",
    )
    unit_lot_id = fields.Many2one(related="claim_id.lot_id", string="Unit Serial (VIN)")
    return_state = fields.Selection(
        [
            ("none", "Not Requested"),
            ("kept", "Kept"),
            ("to_ship", "Shipment Planned"),
            ("shipped", "Shipped to Manufacturer"),
            ("scrapped", "Scrapped"),
        ],
        string="Part Status", default="none", required=True, copy=False, readonly=True,
        help="Kept: the defective part waits in the warranty returns, in its own package.\n"
        "Shipment Planned: a transfer to the manufacturer is planned, not done yet.\n"
        "Shipped: that transfer is done: the part went back to the manufacturer, who asked for it.\n"
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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get(RETURNED_PARTS_UPDATE) and any(
            vals.get("return_state", "none") != "none" or vals.get("returned_package_id") or vals.get("returned_date")
            for vals in vals_list
        ):
            raise UserError(_("The status of a returned part follows its transfers: ship or scrap it from its claim."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get(RETURNED_PARTS_UPDATE):
            if vals.keys() & RETURN_STATUS_FIELDS:
                raise UserError(_(
                    "The status of a returned part follows its transfers: ship or scrap it from its claim."
                ))
            if vals.keys() & {"return_required", "returned_lot_id"} and any(
                line.return_state != "none" for line in self
            ):
                raise UserError(_(
                    "The defective part of %(line)s is already set aside in its own package: its part tag "
                    "and return cannot change.", line=self.filtered(lambda row: row.return_state != "none")[0].name,
                ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_part_set_aside(self):
        kept = self.filtered(lambda line: line.return_state in ("kept", "to_ship"))
        if kept:
            raise UserError(_(
                "The defective part of %(line)s (claim %(claim)s) waits in the warranty returns: ship or scrap "
                "it before deleting its line.", line=kept[0].name, claim=kept[0].claim_id.name,
            ))

    def action_scrap_expired_parts(self):
        """Scrap the kept parts whose retention period is over, each from its own package."""
        self._check_returned_parts_rights()
        today = fields.Date.context_today(self)
        self._lock_returned_parts()
        lines = self.filtered(
            lambda line: line.return_state == "kept" and line.return_until and line.return_until < today
        )
        if not lines:
            raise UserError(_("None of these parts is kept past its retention period."))
        scraps = self.env["stock.scrap"].create([{
            "product_id": line.product_id.id,
            "scrap_qty": line.quantity,
            "product_uom_id": line.product_id.uom_id.id,
            "lot_id": line.returned_lot_id.id,
            "package_id": line.returned_package_id.id,
            "location_id": line._get_returned_part_location().id,
            "origin": line.claim_id.name,
            "company_id": line.company_id.id,
            "warranty_claim_line_id": line.id,
        } for line in lines])
        # Done at once: the stock hook marks each line's part as scrapped
        scraps.do_scrap()
        return True

    def action_print_returned_part_tag(self):
        """Print the tag that goes on each defective part set aside for the manufacturer."""
        lines = self.filtered("returned_package_id")
        if not lines:
            raise UserError(_("None of these lines has a defective part set aside: there is no tag to print."))
        return self.env.ref("warranty_service.action_report_returned_part_tag").report_action(lines)

    def _check_returned_parts_rights(self):
        if not (self.env.su or self.env.user.has_group("warranty_service.group_warranty_workshop")):
            raise AccessError(_("Only the workshop ships or scraps the defective parts kept for the manufacturer."))

    def _lock_returned_parts(self):
        """Lock the lines before reading their part's status: of two users shipping or scrapping the same
        part at once, the second waits, then its request is retried and sees the part gone."""
        if self.ids:
            # The loser's serialization failure is expected and retried by the server: not worth an error log
            self.env.cr.execute(SQL(
                "SELECT id FROM warranty_claim_line WHERE id IN %s FOR NO KEY UPDATE", tuple(self.ids),
            ), log_exceptions=False)
            self.invalidate_recordset(["return_state"])

    def _get_returned_part_reference(self):
        """The reference of the line's returned part, on its package and tag: the claim and the line."""
        self.ensure_one()
        return f"{self.claim_id.name}-{self.id}"

    def _get_returned_part_location(self):
        """Where the line's part waits: its package's location; parts set aside by older versions (no
        package) are where the claim's set-aside transfer put them."""
        self.ensure_one()
        return (
            self.returned_package_id.location_id
            or self.claim_id.return_picking_id.location_dest_id
            or self.claim_id._get_returns_location()
        )

    def _write_return_values(self, vals):
        # sudo: the stock operations (set aside, shipment, scrap) decide a returned part's status,
        # whoever validates them, and users may not write it themselves (see write)
        return self.sudo().with_context(**{RETURNED_PARTS_UPDATE: True}).write(vals)

    def _update_return_state_from_moves(self, moves):
        """Follow the done or cancelled ``moves`` of the lines' parts: kept, shipped, scrapped."""
        by_state = defaultdict(lambda: self.env["warranty.claim.line"])
        for move in moves:
            line = move.warranty_claim_line_id
            if move.state == "cancel":
                open_moves = line.return_move_ids.filtered(lambda m: m.state not in ("done", "cancel"))
                if line.return_state == "to_ship" and not open_moves:
                    by_state["kept"] |= line
            elif move.scrapped or move.location_dest_id.scrap_location:
                by_state["scrapped"] |= line
            elif move.location_dest_id.warranty_returns:
                by_state["kept"] |= line
            elif not line.return_move_ids.filtered(
                lambda m, move=move: m.state not in ("done", "cancel") and m.location_id == move.location_id
            ):
                # A backorder of part of the shipment is still on its way: shipped once all of it is
                by_state["shipped"] |= line
        for state, lines in by_state.items():
            lines._write_return_values({"return_state": state})

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# Follow the transfers and the repair: never written by hand
QUANTITY_FIELDS = {"qty_issued", "qty_returned", "qty_consumed", "qty_excess"}
# Copies of the requisition's values, stored for searching and grouping: they follow the requisition
REQUISITION_FIELDS = {"state", "company_id", "repair_id", "workshop_location_id", "date"}


class WarrantyPartRequisitionLine(models.Model):
    _name = "warranty.part.requisition.line"
    _description = "Spare Part Requisition Line"
    _order = "requisition_id, sequence, id"
    _check_company_auto = True

    requisition_id = fields.Many2one(
        "warranty.part.requisition", string="Requisition", required=True, index=True, ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="requisition_id.company_id", store=True, index=True)
    state = fields.Selection(related="requisition_id.state", store=True, string="Status")
    repair_id = fields.Many2one(related="requisition_id.repair_id", store=True, index="btree_not_null")
    workshop_location_id = fields.Many2one(related="requisition_id.workshop_location_id", store=True)
    date = fields.Datetime(related="requisition_id.date_required", store=True, string="Required By")
    product_id = fields.Many2one(
        "product.product", string="Product", required=True, check_company=True, index=True,
        domain="[('type', '=', 'consu')]",
    )
    product_qty = fields.Float(string="Quantity", required=True, default=1.0, digits="Product Unit of Measure")
    product_uom_id = fields.Many2one(
        "uom.uom", string="Unit", required=True,
        compute="_compute_product_uom_id", store=True, readonly=False, precompute=True,
        domain="[('category_id', '=', product_uom_category_id)]",
    )
    product_uom_category_id = fields.Many2one(related="product_id.uom_id.category_id")
    line_type = fields.Selection(
        [("part", "Spare Part"), ("material", "Repair Material"), ("tool", "Tool")],
        string="Type", required=True, default="part",
        help="Parts and materials are consumed; tools are lent and come back.",
    )
    date_return_expected = fields.Date(string="Return By", help="When a lent tool must be back in stock.")
    move_ids = fields.One2many("stock.move", "warranty_requisition_line_id", string="Stock Moves")
    purchase_line_ids = fields.One2many("purchase.order.line", "warranty_requisition_line_id", string="Purchase Lines")
    # What really happened, in the line's unit
    qty_issued = fields.Float(
        string="Issued", compute="_compute_quantities", store=True, digits="Product Unit of Measure",
    )
    qty_returned = fields.Float(
        string="Returned", compute="_compute_quantities", store=True, digits="Product Unit of Measure",
    )
    qty_consumed = fields.Float(
        string="Consumed", compute="_compute_qty_consumed", store=True, digits="Product Unit of Measure",
        help="Used by the repair's part moves.",
    )
    qty_excess = fields.Float(
        string="Issued Not Used", compute="_compute_qty_excess", store=True, digits="Product Unit of Measure",
        help="Issued for a repair but neither consumed nor returned.",
    )
    qty_to_return = fields.Float(compute="_compute_qty_to_return", digits="Product Unit of Measure")
    qty_available = fields.Float(
        string="Free in Stock", compute="_compute_qty_available", digits="Product Unit of Measure",
        help="Free quantity in the parts stock now.",
    )
    is_overdue = fields.Boolean(
        string="Tool Overdue", compute="_compute_is_overdue", search="_search_is_overdue",
    )
    # Where the parts staff pick the line: the bins its issue is reserved in, and the transfer to validate
    source_location_id = fields.Many2one(related="requisition_id.source_location_id", string="From")
    pick_location_names = fields.Char(
        string="Pick From", compute="_compute_picking",
        help="The locations (bins) the issue of this line is reserved in; the parts stock until it is reserved.",
    )
    picking_id = fields.Many2one(
        "stock.picking", string="Transfer", compute="_compute_picking",
        help="The open transfer that issues this line to the workshop (the last one when all are done).",
    )

    _sql_constraints = [
        ("product_qty_positive", "CHECK(product_qty > 0)", "A requisition line must ask for a positive quantity."),
    ]

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            if line.product_id and (
                not line.product_uom_id or line.product_uom_id.category_id != line.product_id.uom_id.category_id
            ):
                line.product_uom_id = line.product_id.uom_id

    @api.depends("move_ids.state", "move_ids.quantity", "move_ids.location_dest_id")
    def _compute_quantities(self):
        for line in self:
            issued = returned = 0.0
            workshop = line.requisition_id.workshop_location_id
            for move in line.move_ids.filtered(lambda m: m.state == "done"):
                qty = move.product_uom._compute_quantity(move.quantity, line.product_uom_id)
                if move.location_dest_id == workshop:
                    issued += qty
                elif move.location_id == workshop:
                    returned += qty
            line.qty_issued = issued
            line.qty_returned = returned

    # The repair's consumption is final when it is done: depending on its state rather than on its
    # moves keeps every stock move write of every repair free of a lookup of requisition lines
    @api.depends("repair_id.state", "qty_issued")
    def _compute_qty_consumed(self):
        for line in self:
            if not line.repair_id or line.line_type == "tool":
                line.qty_consumed = 0.0
                continue
            moves = line.repair_id.move_ids.filtered(
                lambda m, line=line: m.state == "done" and m.repair_line_type == "add"
                and m.product_id == line.product_id and m.location_id == line.workshop_location_id
            )
            used = sum(m.product_uom._compute_quantity(m.quantity, line.product_uom_id) for m in moves)
            # Several lines of one product share the repair's consumption up to what each was issued
            line.qty_consumed = min(used, line.qty_issued)

    @api.depends("qty_issued", "qty_consumed", "qty_returned", "line_type", "repair_id.state")
    def _compute_qty_excess(self):
        for line in self:
            if line.line_type == "tool" or not line.repair_id or line.repair_id.state != "done":
                line.qty_excess = 0.0
            else:
                line.qty_excess = max(line.qty_issued - line.qty_consumed - line.qty_returned, 0.0)

    @api.depends("qty_issued", "qty_returned", "line_type")
    def _compute_qty_to_return(self):
        for line in self:
            line.qty_to_return = max(line.qty_issued - line.qty_returned, 0.0) if line.line_type == "tool" else 0.0

    @api.depends("product_id", "requisition_id.source_location_id")
    def _compute_qty_available(self):
        # One read of the free quantities per source location, not one per line
        for location in self.requisition_id.source_location_id:
            lines = self.filtered(lambda line, location=location: line.requisition_id.source_location_id == location)
            free = {p.id: p.free_qty for p in lines.product_id.with_context(location=location.id)}
            for line in lines:
                line.qty_available = line.product_id.uom_id._compute_quantity(
                    free.get(line.product_id.id, 0.0), line.product_uom_id or line.product_id.uom_id,
                )
        (self - self.filtered("requisition_id.source_location_id")).qty_available = 0.0

    @api.depends("requisition_id.name", "product_id")
    def _compute_display_name(self):
        # A line opened from Parts to Pick is named in the breadcrumb by its request and product,
        # not "warranty.part.requisition.line,12"
        for line in self:
            line.display_name = (
                f"{line.requisition_id.name}: {line.product_id.display_name}"
                if line.product_id else line.requisition_id.name
            )

    @api.depends("move_ids.picking_id", "move_ids.state", "move_ids.move_line_ids.location_id")
    def _compute_picking(self):
        for line in self:
            issues = line.move_ids.filtered(
                lambda m, line=line: m.location_dest_id == line.requisition_id.workshop_location_id
                and m.state != "cancel"
            )
            open_issues = issues.filtered(lambda m: m.state != "done")
            line.picking_id = (open_issues or issues).picking_id[-1:]
            bins = open_issues.move_line_ids.location_id
            line.pick_location_names = ", ".join(bins.mapped("display_name")) if bins else (
                line.requisition_id.source_location_id.display_name if open_issues else False
            )

    @api.depends("line_type", "date_return_expected", "qty_issued", "qty_returned")
    @api.depends_context("date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for line in self:
            line.is_overdue = bool(
                line.line_type == "tool" and line.date_return_expected and line.date_return_expected < today
                and line.qty_issued > line.qty_returned
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(_("Overdue tools can only be searched as true or false."))
        today = fields.Date.context_today(self)
        # qty_issued and qty_returned are stored: compare them in the database
        self.flush_model(["line_type", "date_return_expected", "qty_issued", "qty_returned"])
        self.env.cr.execute(
            """SELECT id FROM warranty_part_requisition_line
                WHERE line_type = 'tool' AND date_return_expected < %s AND qty_issued > qty_returned""",
            [today],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    @api.constrains("product_qty")
    def _check_product_qty(self):
        for line in self:
            if line.product_qty <= 0:
                raise ValidationError(_(
                    "%(product)s: a requisition line must ask for a positive quantity.",
                    product=line.product_id.display_name,
                ))

    @api.constrains("product_id", "product_uom_id")
    def _check_product(self):
        for line in self:
            if line.product_id.type != "consu":
                raise ValidationError(_(
                    "%(product)s is a service: only goods (parts, materials, tools) can be requested.",
                    product=line.product_id.display_name,
                ))
            if line.product_uom_id.category_id != line.product_id.uom_id.category_id:
                raise ValidationError(_(
                    "%(product)s is counted in %(uom)s: the unit %(line_uom)s is of another kind.",
                    product=line.product_id.display_name, uom=line.product_id.uom_id.name,
                    line_uom=line.product_uom_id.name,
                ))

    @api.constrains("line_type", "date_return_expected")
    def _check_tool_return_date(self):
        for line in self:
            if line.line_type == "tool" and not line.date_return_expected:
                raise ValidationError(_(
                    "Tool %(product)s is lent: enter the date it must be returned by.",
                    product=line.product_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_followed_fields(vals)
        lines = super().create(vals_list)
        if not self.env.su:
            lines.requisition_id._check_request_editable()
        return lines

    def write(self, vals):
        if not self.env.su:
            self._check_followed_fields(vals)
            requisitions = self.requisition_id
            if vals.get("requisition_id"):
                requisitions |= self.env["warranty.part.requisition"].browse(vals["requisition_id"])
            requisitions._check_request_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        if not self.env.su:
            self.requisition_id._check_request_editable()

    def _check_followed_fields(self, vals):
        if QUANTITY_FIELDS & vals.keys():
            raise UserError(
                _("The quantities issued, returned and consumed follow the transfers: they are not typed in.")
            )
        if REQUISITION_FIELDS & vals.keys():
            raise UserError(_(
                "The status, company, repair, workshop and date of a requisition line are its requisition's: "
                "change them on the requisition."
            ))

    def _prepare_move_vals(self, quantity, source, destination):
        """Values of the stock move issuing (or returning) this line; a hook for other modules."""
        self.ensure_one()
        return {
            "name": self.requisition_id.name,
            "product_id": self.product_id.id,
            "product_uom_qty": quantity,
            "product_uom": self.product_uom_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "warranty_requisition_line_id": self.id,
            "company_id": self.company_id.id,
        }

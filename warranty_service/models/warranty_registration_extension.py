from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date


class WarrantyRegistrationExtension(models.Model):
    """An extended warranty sold later, on its own sale order, for a registered unit (issue 24).

    Confirming the order extends the unit: the basic term (the registration's extended warranty, as when sold
    with the unit) or the coverage components the extension product lists, by its months, from the
    confirmation date. The record keeps what it changed, so that cancelling the order undoes exactly that.
    """

    _name = "warranty.registration.extension"
    _description = "Warranty Extension Sold"
    _order = "registration_id, date_start, id"
    _check_company_auto = True

    registration_id = fields.Many2one(
        "warranty.registration", string="Registration", required=True, index=True, ondelete="restrict",
        check_company=True, readonly=True,
    )
    company_id = fields.Many2one(related="registration_id.company_id", store=True, index=True, precompute=True)
    lot_id = fields.Many2one(related="registration_id.lot_id", string="Serial Number")
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Sale Order Line", required=True, index=True, ondelete="restrict", readonly=True,
    )
    order_id = fields.Many2one(related="sale_line_id.order_id", string="Sale Order", store=True, index=True)
    product_id = fields.Many2one("product.product", string="Extended Warranty", required=True, readonly=True)
    date_start = fields.Date(string="Start", required=True, readonly=True, help="The order's confirmation date.")
    months = fields.Integer(readonly=True, help="The months the extension added.")
    extends_basic = fields.Boolean(string="Extends the Basic Term", readonly=True)
    previous_date_end_extended = fields.Date(
        string="Previous Extended End", readonly=True,
        help="The registration's extended warranty end before this extension: restored when it is cancelled.",
    )
    component_line_ids = fields.Many2many(
        "warranty.registration.component", "warranty_registration_extension_component_rel", "extension_id",
        "line_id", string="Extended Components", readonly=True,
    )
    state = fields.Selection(
        [("active", "Active"), ("cancelled", "Cancelled")], default="active", required=True, readonly=True,
    )

    _sql_constraints = [
        # Two orders confirmed at the same time must not both extend the same term: only the database can
        # guarantee that (the checks before confirming say it in words)
        (
            "extension_once_per_term",
            "EXCLUDE (registration_id WITH =, product_id WITH =) WHERE (state = 'active')",
            "This unit is already extended by this extended warranty: it cannot be extended twice for the same "
            "period.",
        ),
        (
            "basic_extension_once",
            "EXCLUDE (registration_id WITH =) WHERE (state = 'active' AND extends_basic)",
            "This unit's basic term is already extended: it cannot be extended twice for the same period.",
        ),
    ]

    @api.model
    def _extend_from_sale_lines(self, lines):
        """Check, then apply, the extensions ``lines`` (confirmed sale order lines naming a unit) sell.

        Refused, with the reason, before anything changes: another customer's unit, a void or expired
        registration, one already extended for the same term.
        """
        plans = self._plan_extensions(lines)
        vals_list = []
        for line, registration, component_lines in plans:
            product = line.product_id
            months = product.warranty_extension_months
            vals = {
                "registration_id": registration.id,
                "sale_line_id": line.id,
                "product_id": product.id,
                "date_start": fields.Date.context_today(line),
                "months": months,
                "extends_basic": not component_lines,
                "previous_date_end_extended": registration.date_end_extended,
                "component_line_ids": [fields.Command.set(component_lines.ids)],
            }
            if component_lines:
                for component_line in component_lines:
                    component_line.months += months
            else:
                registration.extension_product_id = product
            vals_list.append(vals)
        extensions = self.create(vals_list)
        self._refresh_draft_repairs(extensions.registration_id)
        return extensions

    @api.model
    def _lock_registrations(self, lines):
        """Lock the registrations of the units ``lines`` extend, until the transaction ends.

        Two orders extending one unit confirmed at once: the second waits here until the first commits. The
        first changed the registration's row (its extended term, or the summary of the components it
        extended), so the database then refuses the second (the row changed after it read it) and the RPC
        layer retries it from the start: it sees the first extension and is refused in words by the checks.
        Locked in the order of the ids, so that two orders of the same units never deadlock.
        """
        if lines.warranty_lot_id:
            self.env.cr.execute(SQL(
                "SELECT id FROM warranty_registration WHERE lot_id IN %s AND company_id IN %s ORDER BY id "
                "FOR NO KEY UPDATE",
                tuple(lines.warranty_lot_id.ids), tuple(lines.company_id.ids),
            ))
        return True

    @api.model
    def _plan_extensions(self, lines):
        """[(sale line, registration, registration components to extend or empty for the basic term)]."""
        Registration = self.env["warranty.registration"]
        registrations = Registration.search([
            ("lot_id", "in", lines.warranty_lot_id.ids), ("company_id", "in", lines.company_id.ids),
        ], order="is_void, date_start desc, id desc")
        active = self.search([("registration_id", "in", registrations.ids), ("state", "=", "active")])
        seen = set()
        plans = []
        for line in lines:
            lot, order, product = line.warranty_lot_id, line.order_id, line.product_id
            if not product.is_extended_warranty:
                raise UserError(_(
                    "Order %(order)s: only an extended warranty names the unit it extends (%(product)s does not).",
                    order=order.name, product=product.display_name,
                ))
            if line.product_uom_qty != 1:
                raise UserError(_(
                    "Order %(order)s: an extended warranty sold for unit %(serial)s extends that one unit: "
                    "its quantity is 1.",
                    order=order.name, serial=lot.name,
                ))
            registration = registrations.filtered(
                lambda r, lot=lot, line=line: r.lot_id == lot and r.company_id == line.company_id
            )[:1]
            if not registration:
                raise UserError(_(
                    "Order %(order)s: unit %(serial)s has no warranty registration to extend.",
                    order=order.name, serial=lot.name,
                ))
            if registration.is_void:
                raise UserError(_(
                    "Order %(order)s: the warranty registration %(registration)s of unit %(serial)s is void: it "
                    "cannot be extended.",
                    order=order.name, registration=registration.name, serial=lot.name,
                ))
            if registration.partner_id.commercial_partner_id != order.partner_id.commercial_partner_id:
                raise UserError(_(
                    "Order %(order)s: unit %(serial)s is registered to another customer: its warranty is extended "
                    "on an order of its owner.",
                    order=order.name, serial=lot.name,
                ))
            today = fields.Date.context_today(line)
            wanted = product.warranty_extension_component_ids
            component_lines = registration.component_line_ids.filtered(
                lambda c, wanted=wanted: c.component_id in wanted
            )
            if wanted and not component_lines:
                raise UserError(_(
                    "Order %(order)s: %(product)s extends %(components)s, which unit %(serial)s does not have.",
                    order=order.name, product=product.display_name, serial=lot.name,
                    components=", ".join(wanted.mapped("display_name")),
                ))
            ended = component_lines.filtered(lambda c, today=today: c.date_end and c.date_end < today)[:1]
            end = ended.date_end if ended else (registration.date_end if not wanted else False)
            if end and end < today:
                raise UserError(_(
                    "Order %(order)s: the warranty of unit %(serial)s that %(product)s extends ended on %(end)s: "
                    "an extension is sold while the warranty it extends still runs.",
                    order=order.name, serial=lot.name, product=product.display_name, end=format_date(self.env, end),
                ))
            key = (registration.id, product.id if wanted else "basic")
            twice = active.filtered(
                lambda e, registration=registration, product=product: e.registration_id == registration
                and e.product_id == product
            )[:1]
            if not wanted and (registration.extension_product_id or key in seen):
                raise UserError(_(
                    "Order %(order)s: unit %(serial)s already has the extended warranty %(extension)s: it cannot be "
                    "extended twice for the same period.",
                    order=order.name, serial=lot.name,
                    extension=registration.extension_product_id.display_name or product.display_name,
                ))
            if wanted and (twice or key in seen):
                raise UserError(_(
                    "Order %(order)s: unit %(serial)s is already extended by %(product)s (%(other)s): it cannot be "
                    "extended twice for the same period.",
                    order=order.name, serial=lot.name, product=product.display_name,
                    other=twice.order_id.name or order.name,
                ))
            seen.add(key)
            plans.append((line, registration, component_lines))
        return plans

    def _check_can_undo(self):
        """Refuse, in words, to take back an extension a repair or a claim already relied on.

        Relied on: a repair dated after the end the unit had without the extension and covered by it (on the
        extended warranty for the basic term; a warranty job the extended component covers, for a component),
        once it is confirmed or claimed. A draft repair still follows its unit's coverage: it does not count.
        """
        for extension in self.filtered(lambda e: e.state == "active"):
            used = extension._get_used_by()
            if not used:
                continue
            document, day = used
            values = {
                "order": extension.order_id.name, "serial": extension.lot_id.name, "name": document.name,
                "date": format_date(self.env, day), "product": extension.product_id.display_name,
            }
            if document._name == "warranty.claim":
                raise UserError(_(
                    "Order %(order)s cannot be cancelled: claim %(name)s of unit %(serial)s (repair of %(date)s) "
                    "claims work covered only by the extended warranty %(product)s it sold. Cancel that claim "
                    "first, or keep the extension.",
                    **values,
                ))
            raise UserError(_(
                "Order %(order)s cannot be cancelled: repair %(name)s of unit %(serial)s on %(date)s was covered "
                "only by the extended warranty %(product)s it sold. Cancel that repair or change its coverage "
                "first, or keep the extension.",
                **values,
            ))
        return True

    def _get_used_by(self):
        """(claim or repair, the repair's date) of the first work that relied on this extension, else False."""
        self.ensure_one()
        # sudo: the salesperson cancelling the order does not read repairs and claims; only whether one relies
        # on the extension is told, in the refusal
        registration = self.registration_id.sudo()
        if self.extends_basic:
            end = registration.date_end
            if not end:
                return False
            repairs = self.env["repair.order"].sudo().search([
                ("warranty_registration_id", "=", registration.id),
                "|", ("warranty_coverage", "=", "extension"), ("job_ids.pay_type", "=", "extension"),
            ]).filtered(lambda repair: repair._get_usage_date() > end)
        else:
            # The end each extended component had without this extension (one without a time limit before it
            # never needed it)
            ends = {}
            for line in self.component_line_ids:
                months = line.months - self.months
                if months > 0:
                    ends[line.component_id.id] = line.date_start + relativedelta(months=months, days=-1)
            if not ends:
                return False
            jobs = self.env["warranty.repair.job"].sudo().search([
                ("repair_id.warranty_registration_id", "=", registration.id), ("pay_type", "=", "warranty"),
                ("coverage_component_id", "in", list(ends)),
            ])
            repairs = jobs.filtered(
                lambda job: job.repair_id._get_usage_date() > ends[job.coverage_component_id.id]
            ).repair_id
        if not repairs:
            return False
        claim = self.env["warranty.claim"].sudo().search(
            [("repair_id", "in", repairs.ids), ("state", "!=", "cancel")], order="id", limit=1,
        )
        if claim:
            return claim, claim.repair_id._get_usage_date()
        # A draft repair still follows its unit's coverage: it is decided again when the extension goes
        repair = repairs.filtered(lambda r: r.state not in ("draft", "cancel")).sorted(
            lambda r: (r._get_usage_date(), r.id)
        )[:1]
        return (repair, repair._get_usage_date()) if repair else False

    def _undo(self):
        """Take back what the extensions changed (the order was cancelled)."""
        self._check_can_undo()
        for extension in self.filtered(lambda e: e.state == "active"):
            if extension.extends_basic:
                extension.registration_id.write({
                    "extension_product_id": False,
                    "date_end_extended": extension.previous_date_end_extended,
                })
            for component_line in extension.component_line_ids:
                component_line.months -= extension.months
            extension.state = "cancelled"
        self._refresh_draft_repairs(self.registration_id)
        return True

    @api.model
    def _refresh_draft_repairs(self, registrations):
        """The draft repairs of these units follow their coverage, which an extension given or taken back
        changed: their coverage and their jobs' are decided again (a confirmed repair keeps its own)."""
        if registrations:
            # sudo: the sale changes the coverage of repairs the salesperson does not read
            drafts = self.env["repair.order"].sudo().search(
                [("warranty_registration_id", "in", registrations.ids), ("state", "=", "draft")]
            )
            drafts.modified(["warranty_registration_id"])
        return True

import logging

import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.modules.db import FunctionStatus, has_trigram
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import create_index, escape_psql, index_exists, make_index_name

_logger = logging.getLogger(__name__)


def ensure_trigram(env, model, fname):
    """Install PostgreSQL's pg_trgm and index ``model.fname`` for searches by any part (``ilike``).

    Odoo creates the ``index="trigram"`` indexes only where pg_trgm is installed, and installs it only
    in databases it creates itself: in a database made by ``createdb`` a search for part of a VIN
    reads every serial. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may
    create it. The index is the one Odoo would create (same name and expression, so Odoo keeps it),
    without GIN's pending list (fastupdate): with it, the rows added since the last vacuum are read
    one by one by every search (after a million serials were added, 26-70 ms per search instead of
    0.5-15 ms, `make bench` scenario 7), while adding a serial to the index directly costs little.
    """
    cr = env.cr
    registry = env.registry
    if not registry.has_trigram:
        try:
            with cr.savepoint(flush=False):
                cr.execute(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except psycopg2.Error as error:
            _logger.warning("pg_trgm could not be installed (%s): searches for part of a serial will be slow.", error)
            return
        registry.has_trigram = has_trigram(cr)
    table = model._table
    name = make_index_name(table, fname)
    if index_exists(cr, name):
        cr.execute(SQL("ALTER INDEX %s SET (fastupdate = off)", SQL.identifier(name)))
        return
    column = SQL.identifier(fname)
    if registry.has_unaccent == FunctionStatus.INDEXABLE:
        column = SQL("unaccent(%s)", column)  # as Odoo indexes it: its ilike searches unaccent then
    cr.execute(SQL(
        "CREATE INDEX %s ON %s USING gin (%s gin_trgm_ops) WITH (fastupdate = off)",
        SQL.identifier(name), SQL.identifier(table), column,
    ))


WARRANTY_STATE_SELECTION = [
    ("active", "Under Warranty"),
    ("expired", "Warranty Expired"),
    ("void", "Warranty Void"),
    ("none", "No Warranty"),
]


class StockLot(models.Model):
    _inherit = "stock.lot"

    warranty_registration_ids = fields.One2many("warranty.registration", "lot_id", string="Warranty Registrations")
    warranty_registration_id = fields.Many2one(
        "warranty.registration", string="Current Warranty", compute="_compute_warranty",
        help="The registration in force: the one not void, else the latest void one.",
    )
    warranty_state = fields.Selection(
        WARRANTY_STATE_SELECTION,
        string="Warranty Status",
        compute="_compute_warranty",
        search="_search_warranty_state",
    )
    warranty_date_expiry = fields.Date(string="Covered Until", compute="_compute_warranty")
    warranty_registration_count = fields.Integer(compute="_compute_warranty")
    warranty_partner_id = fields.Many2one(
        "res.partner", string="Owner", compute="_compute_warranty",
        help="The customer the unit is registered to (the registration in force).",
    )
    warranty_repair_count = fields.Integer(string="Repairs", compute="_compute_warranty_repair_count")

    warranty_recall_line_ids = fields.One2many(
        "warranty.recall.line", "lot_id", string="Recall Campaigns",
        domain=[("state", "=", "open"), ("recall_state", "=", "open")],
        help="Running campaigns whose work this unit has not received yet.",
    )

    # The serial lookup screen searches the serial and the internal reference together (core's
    # search view): both need a trigram index, or the OR reads every serial for a partial VIN.
    ref = fields.Char(index="trigram")
    # Set once a replaced meter is recorded (warranty_usage_reading.py): from then on the unit's readings,
    # not the repairs' highest odometer, tell whether a reading goes backwards
    warranty_meter_replaced = fields.Boolean(string="Meter Replaced", readonly=True, copy=False)

    def init(self):
        res = super().init()
        ensure_trigram(self.env, self, "name")
        ensure_trigram(self.env, self, "ref")
        # The workshop and integrations find a unit by its exact serial (check_coverage_by_serial).
        # Core indexes the name only with a trigram index, and only where pg_trgm is installed: without
        # this one, each lookup scans every serial (about 100 ms at a million serials, 1 ms with it).
        create_index(self.env.cr, "stock_lot_warranty_name_index", self._table, ['"name"'])
        return res

    @api.model
    def _search_display_name(self, operator, value):
        # A serial typed in a field (part of a VIN) is matched literally: "%", "_" and "\\" are characters of
        # serials, not patterns (Odoo's ilike does not escape them). The trigram index still answers it
        if operator in ("ilike", "like", "not ilike", "not like") and isinstance(value, str):
            value = escape_psql(value)
        return super()._search_display_name(operator, value)

    @api.model_create_multi
    def create(self, vals_list):
        # stock_account overrides create() without @api.model_create_multi in this Odoo 18.0
        # snapshot, so the RPC layer treats it as a record method and creating a serial over
        # XML-RPC fails; integrations that import sold units need it. Re-declaring restores it.
        return super().create(vals_list)

    @api.depends("warranty_registration_ids.is_void", "warranty_registration_ids.date_expiry")
    @api.depends_context("date", "uid", "allowed_company_ids")
    def _compute_warranty(self):
        # sudo: every inventory user may see whether a unit is covered (the serial form and the
        # repair order show it), even without a warranty role to read the registrations themselves.
        # A registration is used only within its company: a serial shared between companies shows
        # only the registrations of the companies the user works in, the current company's first.
        Registration = self.env["warranty.registration"].sudo()
        registrations = Registration.search(
            [("lot_id", "in", self.ids), ("company_id", "in", self.env.companies.ids)],
            order="is_void, date_start desc, id desc",
        ) if self.ids else Registration
        by_lot = {}
        for registration in registrations:
            by_lot.setdefault(registration.lot_id.id, []).append(registration.id)
        for lot in self:
            registration = Registration.browse(by_lot.get(lot.id, []))._pick_in_force()
            lot.warranty_registration_id = registration.with_env(self.env)
            lot.warranty_state = registration.state or "none"
            lot.warranty_date_expiry = registration.date_expiry if registration and not registration.is_void else False
            lot.warranty_registration_count = len(by_lot.get(lot.id, []))
            # The owner of a void registration (returned unit) is no longer the unit's owner
            lot.warranty_partner_id = registration.partner_id if registration and not registration.is_void else False

    def _compute_warranty_repair_count(self):
        # One count for the unit's whole history: core's button splits it into "To Do / Done"
        counts = dict(self.env["repair.order"]._read_group(
            [("lot_id", "in", self.ids), ("state", "!=", "cancel")], ["lot_id"], ["__count"],
        )) if self.ids else {}
        for lot in self:
            lot.warranty_repair_count = counts.get(lot, 0)

    def _search_warranty_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(_("The warranty status can only be searched by value."))
        values = {value} if isinstance(value, str) else set(value or [])
        # As the computed status: only the registrations of the companies the user works in
        companies = [("company_id", "in", self.env.companies.ids)]
        domains = []
        for state in values:
            if state == "none":
                domains.append([("warranty_registration_ids", "not any", companies)])
            elif state == "void":
                # Void only when no registration is still in force
                domains.append([
                    ("warranty_registration_ids", "any", [*companies, ("is_void", "=", True)]),
                    ("warranty_registration_ids", "not any", [*companies, ("is_void", "=", False)]),
                ])
            elif state in ("active", "expired"):
                domains.append([("warranty_registration_ids", "any", [*companies, ("state", "=", state)])])
        domain = expression.OR(domains or [expression.FALSE_DOMAIN])
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    def action_add_to_loaner_fleet(self):
        """Move units from stock into their warehouse's loaner fleet, to lend them to customers."""
        quants = self.env["stock.quant"].search([
            ("lot_id", "in", self.ids), ("location_id.usage", "=", "internal"), ("quantity", ">", 0),
        ])
        for lot in self:
            quant = quants.filtered(lambda q, lot=lot: q.lot_id == lot)[:1]
            if not quant:
                raise UserError(_("Serial number %(serial)s is not in stock: receive it first.", serial=lot.name))
            warehouse = quant.location_id.warehouse_id
            if not warehouse:
                raise UserError(_("Serial number %(serial)s is in no warehouse.", serial=lot.name))
            fleet = warehouse._get_warranty_loaner_location()
            if quant.location_id == fleet:
                continue
            move = self.env["stock.move"].create({
                "name": _("To the loaner fleet"),
                "product_id": lot.product_id.id,
                "product_uom_qty": 1,
                "product_uom": lot.product_id.uom_id.id,
                "location_id": quant.location_id.id,
                "location_dest_id": fleet.id,
                "company_id": warehouse.company_id.id,
                "move_line_ids": [Command.create({
                    "product_id": lot.product_id.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                    "location_id": quant.location_id.id,
                    "location_dest_id": fleet.id,
                })],
            })
            move._action_confirm()
            move.picked = True
            move._action_done()
        return True

    def action_new_repair(self):
        """Open a new repair order of this unit, for its owner."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_form")
        action.update(
            views=[(False, "form")],
            target="current",
            context={
                "default_product_id": self.product_id.id,
                "default_lot_id": self.id,
                "default_partner_id": self.warranty_partner_id.id,
                "default_company_id": self.company_id.id or self.env.company.id,
            },
        )
        return action

    def action_view_warranty_registrations(self):
        """Open the warranty registrations of this serial."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("warranty_service.warranty_registration_action")
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_lot_id": self.id, "search_default_filter_not_void": 0}
        if self.warranty_registration_count == 1:
            action.update(view_mode="form", views=[(False, "form")], res_id=self.warranty_registration_id.id)
        return action

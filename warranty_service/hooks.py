from odoo.tools import SQL


def post_init_hook(env):
    """Give every existing warehouse its Workshop location, where requisitions deliver parts, and every
    company with a chart of accounts the accounts and journal its warranty claims are booked on."""
    for warehouse in env["stock.warehouse"].with_context(active_test=False).search([]):
        warehouse._get_warranty_workshop_location()
    env["account.chart.template"]._warranty_setup_all_companies()


# Indexes the addon adds to core tables outside its fields' own: Odoo drops the columns of the addon's
# fields (and their indexes) at uninstall, but neither an index made in init() nor one on a core column.
UNINSTALL_INDEXES = ("stock_lot_warranty_name_index", "stock_lot__ref_index")


def uninstall_hook(env):
    """Leave the core tables as they were before the addon: drop the indexes it added to them."""
    for name in UNINSTALL_INDEXES:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))

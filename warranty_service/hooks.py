def post_init_hook(env):
    """Give every existing warehouse its Workshop location, where requisitions deliver parts, and every
    company with a chart of accounts the accounts and journal its warranty claims are booked on."""
    for warehouse in env["stock.warehouse"].with_context(active_test=False).search([]):
        warehouse._get_warranty_workshop_location()
    env["account.chart.template"]._warranty_setup_all_companies()

def post_init_hook(env):
    """Give every existing warehouse its Workshop location, where requisitions deliver parts."""
    for warehouse in env["stock.warehouse"].with_context(active_test=False).search([]):
        warehouse._get_warranty_workshop_location()

"""Before the addon is installed into the Bulgarian demo database (run by `odoo-bin shell`, ``env`` given):
Bulgaria pays in euro since 2026 (Odoo 18's data still gives the country the lev), and the dealer is
Bulgarian, so that installing accounting loads the l10n_bg chart in euro for it."""
# ruff: noqa: F821  (env is the shell's)
eur = env.ref("base.EUR")
eur.active = True
bulgaria = env.ref("base.bg")
bulgaria.currency_id = eur
env.ref("base.main_company").write({"country_id": bulgaria.id, "currency_id": eur.id})
env.cr.commit()
print("warranty_service: Bulgaria in euro, the demo company in Bulgaria")

"""The checks of ``make test-upgrade`` (tools/test_upgrade.sh), run in-process like ``odoo shell``.

    upgrade_check.py snapshot DB FILE   record the business data of the addon (and the addon's objects)
    upgrade_check.py compare DB FILE    the same data after ``-u warranty_service``, field by field
    upgrade_check.py uninstall DB FILE  button_immediate_uninstall, then nothing of the addon is left
    upgrade_check.py installed DB       the addon is installed (after the reinstall)

Exit status 1 with a list of differences when a check fails.
"""
import json
import os
import sys

MODULE = "warranty_service"
# The business records an upgrade must keep; every stored field both versions have is compared
MODELS = (
    "warranty.registration", "repair.order", "warranty.repair.labor", "warranty.claim", "warranty.claim.line",
    "warranty.part.requisition", "warranty.part.requisition.line", "warranty.recall", "warranty.defect.code",
)
# Written by any update, not data
IGNORED = {"write_date", "write_uid", "__last_update", "message_main_attachment_id"}


def environment(db):
    sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo"))
    import odoo
    from odoo.tools import config
    config.parse_config(os.environ.get("ODOO_ARGS", "").split())
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    registry = Registry(db)
    cr = registry.cursor()
    return odoo, api.Environment(cr, SUPERUSER_ID, {"active_test": False})


def stored_fields(model):
    return sorted(
        name for name, field in model._fields.items()
        if field.store and field.type not in ("binary", "one2many", "many2many") and name not in IGNORED
    )


def business_data(env):
    data = {}
    for name in MODELS:
        if name not in env:
            continue
        model = env[name].with_context(active_test=False)
        records = model.search([], order="id")
        fnames = stored_fields(model)
        data[name] = {str(rec["id"]): rec for rec in records.read(fnames, load=None)}
    # The accounting of claims: journal items of claim moves, to the cent, and their reconciliation
    lines = env["account.move.line"].search(
        ["|", ("warranty_claim_id", "!=", False), ("move_id.warranty_claim_ids", "!=", False)], order="id")
    data["account.move.line (claims)"] = {
        str(line.id): {
            "move": line.move_id.name, "move_state": line.move_id.state, "account": line.account_id.code,
            "debit": line.debit, "credit": line.credit, "balance": line.balance,
            "amount_residual": line.amount_residual, "reconciled": line.reconciled,
            "claim": line.warranty_claim_id.name, "claims": sorted(line.move_id.warranty_claim_ids.mapped("name")),
        } for line in lines
    }
    return json.loads(json.dumps(data, default=str))


def addon_objects(env):
    """Everything the addon created in the database, by name: what an uninstall must remove."""
    cr = env.cr
    data = env["ir.model.data"].search([("module", "=", MODULE)])
    by_model = {}
    for xmlid in data:
        by_model.setdefault(xmlid.model, []).append(xmlid.res_id)
    models = env["ir.model"].browse(by_model.get("ir.model", [])).exists()
    tables = sorted({env[m.model]._table for m in models if m.model in env and env[m.model]._auto})
    views = sorted({env[m.model]._table for m in models if m.model in env and not env[m.model]._auto
                    and not env[m.model]._abstract and env[m.model]._table})
    cr.execute("""SELECT relname FROM pg_class WHERE relkind IN ('r', 'v', 'm') AND relname = ANY(%s)""",
               [tables + views])
    relations = sorted(name for (name,) in cr.fetchall())
    cr.execute("""SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.relkind = 'i' AND n.nspname = 'public' AND c.relname LIKE '%%warranty%%'""")
    indexes = sorted(name for (name,) in cr.fetchall())
    cr.execute("""SELECT conname FROM pg_constraint WHERE conname LIKE '%%warranty%%'""")
    constraints = sorted(name for (name,) in cr.fetchall())
    cr.execute("""SELECT table_name, column_name FROM information_schema.columns
                  WHERE table_schema = 'public' AND column_name LIKE '%%warranty%%'""")
    columns = sorted(f"{t}.{c}" for t, c in cr.fetchall())
    return {
        "tables and SQL views": relations,
        "indexes": indexes + [name for name in ("stock_lot__ref_index",) if index_exists(cr, name)],
        "constraints": constraints,
        "columns": columns,
        "ir.model": sorted(models.mapped("model")),
        "ir.ui.view": sorted(env["ir.ui.view"].browse(by_model.get("ir.ui.view", [])).exists().mapped("key")),
        "ir.ui.menu": sorted(env["ir.ui.menu"].browse(by_model.get("ir.ui.menu", [])).exists().mapped("complete_name")),
        "ir.cron": sorted(env["ir.cron"].browse(by_model.get("ir.cron", [])).exists().mapped("cron_name")),
        "ir.ui.view (any of its models)": sorted(env["ir.ui.view"].search(
            [("model", "in", models.mapped("model"))]).mapped("name")),
    }


def index_exists(cr, name):
    cr.execute("SELECT 1 FROM pg_class WHERE relkind = 'i' AND relname = %s", [name])
    return bool(cr.fetchone())


def compare(before, after):
    problems = []
    for model, records in before.items():
        now = after.get(model)
        if now is None:
            problems.append(f"{model}: gone after the upgrade")
            continue
        missing = sorted(set(records) - set(now), key=int)
        if missing:
            problems.append(f"{model}: records {', '.join(missing[:10])} gone after the upgrade")
        for rid, values in records.items():
            new = now.get(rid)
            if new is None:
                continue
            for field, old_value in values.items():
                if field in new and new[field] != old_value:
                    problems.append(f"{model} {rid} {field}: {old_value!r} became {new[field]!r}")
    return problems


def main():
    action, db = sys.argv[1], sys.argv[2]
    path = sys.argv[3] if len(sys.argv) > 3 else None
    odoo, env = environment(db)
    try:
        if action == "snapshot":
            data = business_data(env)
            counts = {model: len(records) for model, records in data.items()}
            with open(path, "w") as handle:
                json.dump({"data": data, "objects": addon_objects(env)}, handle, indent=1, sort_keys=True)
            print("upgrade-check: recorded " + ", ".join(f"{n} {m}" for m, n in counts.items()))
            empty = [m for m, n in counts.items() if not n]
            if empty:
                print(f"upgrade-check: FAILED, the demo data has no {', '.join(empty)} to check")
                return 1
            return 0
        if action == "compare":
            with open(path) as handle:
                before = json.load(handle)["data"]
            after = business_data(env)
            problems = compare(before, after)
            for problem in problems[:50]:
                print(f"upgrade-check: {problem}")
            total = sum(len(r) for r in before.values())
            print(f"upgrade-check: {total} records compared field by field, {len(problems)} differences")
            return 1 if problems else 0
        if action == "uninstall":
            before = addon_objects(env)
            env["ir.module.module"].search([("name", "=", MODULE)]).button_immediate_uninstall()
            env.cr.commit()
            env.cr.close()
            odoo2, env = environment(db)
            left = addon_objects(env)
            state = env["ir.module.module"].search([("name", "=", MODULE)]).state
            problems = [f"module state is {state!r}, not uninstalled"] if state != "uninstalled" else []
            for kind, names in left.items():
                if names:
                    problems.append(f"left after uninstall, {kind}: {', '.join(names[:20])}")
            removed = {kind: len(names) for kind, names in before.items()}
            print("upgrade-check: uninstall removed " + ", ".join(f"{n} {k}" for k, n in removed.items()))
            if path:
                with open(path) as handle:
                    recorded = json.load(handle)["objects"]
                for kind, names in recorded.items():
                    if names and not before.get(kind):
                        problems.append(f"nothing of {kind} found to remove, {len(names)} were recorded")
            for problem in problems:
                print(f"upgrade-check: {problem}")
            return 1 if problems else 0
        if action == "installed":
            module = env["ir.module.module"].search([("name", "=", MODULE)])
            count = env["warranty.registration"].search_count([]) if "warranty.registration" in env else 0
            print(f"upgrade-check: {MODULE} {module.state} (version {module.latest_version}), "
                  f"{count} registrations of its demo data")
            return 0 if module.state == "installed" and count else 1
        raise SystemExit(f"unknown action {action}")
    finally:
        if not env.cr.closed:
            env.cr.rollback()
            env.cr.close()


if __name__ == "__main__":
    sys.exit(main())

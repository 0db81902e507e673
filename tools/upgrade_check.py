"""The checks of ``make test-upgrade`` (tools/test_upgrade.sh), run in-process like ``odoo shell``.

    upgrade_check.py snapshot DB FILE   record the business data of the addon (and the addon's objects)
    upgrade_check.py compare DB FILE    the same data after ``-u warranty_service``, field by field
    upgrade_check.py uninstall DB       button_immediate_uninstall, then nothing of the addon is left
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
# Indexes the addon adds to core columns (warranty_service/hooks.py drops them at uninstall)
UNINSTALL_INDEXES = ("stock_lot_warranty_name_index", "stock_lot__ref_index")
# The partial-VIN search's trigram indexes, which the upgrade to 18.0.1.1.0 builds
TRIGRAM_INDEXES = ("stock_lot__name_index", "stock_lot__ref_index", "warranty_registration__name_index")
# Written by any update, not data
IGNORED = {"write_date", "write_uid", "__last_update", "message_main_attachment_id"}


def environment(db):
    sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo"))
    import odoo
    from odoo.tools import config
    if not getattr(environment, "configured", False):
        config.parse_config(os.environ.get("ODOO_ARGS", "").split())
        environment.configured = True
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
    """Everything the addon created in the database: what an uninstall must remove.

    Database objects by name (tables and SQL views of its models, the columns its fields add to core
    tables, indexes and constraints on them, the indexes it adds to core columns), records by id
    (ir.model, ir.ui.view, ir.ui.menu, ir.cron of its XML ids).
    """
    cr = env.cr
    data = env["ir.model.data"].search([("module", "=", MODULE)])
    by_model = {}
    for xmlid in data:
        by_model.setdefault(xmlid.model, []).append(xmlid.res_id)
    # The addon's own models (not the core models it extends, which have an XML id of the addon too)
    models = env["ir.model"].browse(by_model.get("ir.model", [])).exists().filtered(
        lambda m: m.model in env and env[m.model]._original_module == MODULE)
    own = [env[m.model] for m in models if not env[m.model]._abstract and env[m.model]._table]
    relations = sorted({model._table for model in own})
    fields = env["ir.model.fields"].browse(by_model.get("ir.model.fields", [])).exists()
    columns = []
    for field in fields:
        model = env.get(field.model)
        if model is None or field.name not in model._fields:
            continue
        definition = model._fields[field.name]
        if {name.strip() for name in (field.modules or "").split(",")} != {MODULE}:
            continue  # a core field the addon redefines (an index, a label): its column is core's
        if definition.store and definition.column_type and model._table not in relations:
            columns.append(f"{model._table}.{field.name}")
        elif definition.type == "many2many" and definition.store:
            relations.append(definition.relation)
    cr.execute("SELECT relname FROM pg_class WHERE relkind IN ('r', 'v', 'm') AND relname = ANY(%s)", [relations])
    relations = sorted({name for (name,) in cr.fetchall()})
    cr.execute("""
        SELECT table_name || '.' || column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name || '.' || column_name = ANY(%s)
    """, [columns])
    columns = sorted(name for (name,) in cr.fetchall())
    # Indexes and constraints on the addon's tables and columns, and the indexes it adds to core columns
    cr.execute("""
        SELECT DISTINCT i.relname FROM pg_index x
          JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
         WHERE t.relname = ANY(%s) OR t.relname || '.' || a.attname = ANY(%s) OR i.relname = ANY(%s)
    """, [relations, columns, list(UNINSTALL_INDEXES)])
    indexes = sorted(name for (name,) in cr.fetchall())
    cr.execute("""
        SELECT DISTINCT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
          LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(c.conkey)
         WHERE t.relname = ANY(%s) OR t.relname || '.' || a.attname = ANY(%s)
    """, [relations, columns])
    constraints = sorted(name for (name,) in cr.fetchall())
    return {
        "tables and SQL views": relations,
        "columns": columns,
        "indexes": indexes,
        "constraints": constraints,
        "ir.model": sorted(models.ids),
        "ir.ui.view": sorted(env["ir.ui.view"].browse(by_model.get("ir.ui.view", [])).exists().ids),
        "ir.ui.menu": sorted(env["ir.ui.menu"].browse(by_model.get("ir.ui.menu", [])).exists().ids),
        "ir.cron": sorted(env["ir.cron"].browse(by_model.get("ir.cron", [])).exists().ids),
        "ir.ui.view on its models": sorted(env["ir.ui.view"].search([("model", "in", models.mapped("model"))]).ids),
    }


def still_there(env, objects):
    """Of ``objects`` (addon_objects), what exists now."""
    cr = env.cr
    left = {}
    cr.execute("SELECT relname FROM pg_class WHERE relkind IN ('r', 'v', 'm') AND relname = ANY(%s)",
               [objects["tables and SQL views"]])
    left["tables and SQL views"] = [name for (name,) in cr.fetchall()]
    cr.execute("""
        SELECT table_name || '.' || column_name FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name || '.' || column_name = ANY(%s)
    """, [objects["columns"]])
    left["columns"] = [name for (name,) in cr.fetchall()]
    cr.execute("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%s)", [objects["indexes"]])
    left["indexes"] = [name for (name,) in cr.fetchall()]
    cr.execute("SELECT conname FROM pg_constraint WHERE conname = ANY(%s)", [objects["constraints"]])
    left["constraints"] = [name for (name,) in cr.fetchall()]
    for kind, model in (("ir.model", "ir.model"), ("ir.ui.view", "ir.ui.view"), ("ir.ui.menu", "ir.ui.menu"),
                        ("ir.cron", "ir.cron"), ("ir.ui.view on its models", "ir.ui.view")):
        records = env[model].with_context(active_test=False).browse(objects[kind]).exists()
        left[kind] = [record.display_name for record in records]
    return left


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
                json.dump({"data": data}, handle, indent=1, sort_keys=True)
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
            for name in TRIGRAM_INDEXES:
                env.cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
                found = env.cr.fetchone()
                if not found or "gin_trgm_ops" not in found[0] or "fastupdate=off" not in found[0]:
                    problems.append(f"the upgrade did not build the trigram index {name}")
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
            _odoo, env = environment(db)
            left = still_there(env, before)
            state = env["ir.module.module"].search([("name", "=", MODULE)]).state
            problems = [f"module state is {state!r}, not uninstalled"] if state != "uninstalled" else []
            for kind, names in left.items():
                if names:
                    problems.append(f"left after uninstall, {kind}: {', '.join(map(str, names[:20]))}")
            for kind in ("tables and SQL views", "columns", "indexes", "constraints", "ir.model", "ir.ui.view",
                         "ir.ui.menu", "ir.cron"):
                if not before[kind]:
                    problems.append(f"no {kind} of the addon found before the uninstall: the check would prove nothing")
            print("upgrade-check: uninstall removed " + ", ".join(f"{len(n)} {k}" for k, n in before.items()))
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

#!/usr/bin/env bash
# make i18n: regenerate warranty_service/i18n/warranty_service.pot from the code and merge it into every
# translation (<lang>.po) of the addon, as Odoo's own modules are maintained.
#   - the template is exported by Odoo itself (odoo-bin --i18n-export), from a throwaway database where the
#     addon is installed without demo data (demo records are not part of the addon's terms); I18N_DB=<name>
#     exports from an existing database with the addon installed (and no demo data) instead
#   - each .po gets the new terms (empty, to translate), loses the terms gone from the code, and keeps
#     its translations; new terms are not guessed from similar ones (no fuzzy matching)
source "$(dirname "$0")/common.sh"
find_odoo
ensure_venv
ensure_postgres
command -v msgmerge >/dev/null || die "msgmerge is missing: apt-get install gettext"

I18N_DIR="$PROJECT_DIR/warranty_service/i18n"
POT="$I18N_DIR/warranty_service.pot"
mkdir -p "$I18N_DIR"
DB="${I18N_DB:-}"
if [ -z "$DB" ]; then
    DB="warranty_i18n_$$"
    trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true' EXIT
    echo "warranty_service: installing the addon into throwaway database $DB (a few minutes)"
    createdb "$DB"
    odoo_bin -d "$DB" -i warranty_service --without-demo=all --stop-after-init --log-level=warn --max-cron-threads=0
fi
echo "warranty_service: exporting the template $POT"
odoo_bin -d "$DB" --i18n-export="$POT" --modules=warranty_service --stop-after-init --log-level=warn --max-cron-threads=0
echo "warranty_service: $(grep -c '^msgid ' "$POT") entries (with the header) in the template"
for po in "$I18N_DIR"/*.po; do
    [ -e "$po" ] || continue
    msgmerge --quiet --no-fuzzy-matching --update --backup=none "$po" "$POT"
    # Terms gone from the code are dropped rather than kept as obsolete entries
    msgattrib --no-obsolete --output-file="$po" "$po"
    untranslated="$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)"
    # msgattrib prints the header as an untranslated entry when anything is left to translate
    [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
    echo "warranty_service: merged into $(basename "$po"): $untranslated term(s) to translate"
done

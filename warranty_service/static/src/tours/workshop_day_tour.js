import { registry } from "@web/core/registry";
import { noErrorStep, openSerialSteps } from "./tour_steps";

const WARRANTY_APP = ".o_app[data-menu-xmlid='warranty_service.warranty_menu_root']";

/** Open the Warranty app from the apps menu, as the user does every morning. */
export function openWarrantyAppSteps() {
    return [
        { content: "Open the apps menu", trigger: ".o_navbar_apps_menu button", run: "click" },
        { content: "Open the Warranty app", trigger: WARRANTY_APP, run: "click" },
    ];
}

// The workshop master lands on the workshop kanban (issue 17).
registry.category("web_tour.tours").add("warranty_service_workshop_landing_tour", {
    url: "/odoo",
    steps: () => [
        ...openWarrantyAppSteps(),
        noErrorStep("The app opens on the workshop's open repairs", ".o_breadcrumb .active:contains('Workshop')"),
        {
            content: "The unit's VIN stays on one line on its card",
            trigger: ".o_kanban_view .o_kanban_record .text-nowrap.text-truncate:contains('VIN-FLOOR-W2')",
        },
    ],
});

// The workshop master's day (README): find the unit by its VIN, open a repair from it, read the coverage,
// lend a loaner, confirm, diagnose and end the repair; check what issue 17 found wrong on the way.
registry.category("web_tour.tours").add("warranty_service_workshop_day_tour", {
    url: "/odoo",
    steps: () => [
        ...openWarrantyAppSteps(),
        noErrorStep("Landing: the workshop kanban", ".o_kanban_view .o_kanban_record:contains('VIN-FLOOR-W2')"),
        { content: "A new repair", trigger: ".o-kanban-button-new", run: "click" },
        {
            content: "A new, empty repair shows no coverage banner yet",
            trigger: ".o_form_view .o_form_sheet:not(:has(.alert-warning)):not(:has(.alert-success))",
        },
        { content: "Discard it", trigger: ".o_form_button_cancel", run: "click" },
        {
            content: "Go to the serial numbers",
            trigger: ".o_menu_sections [data-menu-xmlid='warranty_service.stock_lot_menu_warranty']",
            run: "click",
        },
        ...openSerialSteps("VIN-FLOOR-W1"),
        {
            content: "The unit shows its owner and its warranty",
            trigger: ".o_form_view .o_field_widget[name='warranty_partner_id']:contains('Floor Customer')",
        },
        {
            content: "Its history is one Repairs count, not core's To Do / Done",
            trigger: ".o_form_view:not(:has(.o_stat_text:contains('To Do'))) button[name='action_lot_open_repairs']:contains('Repairs')",
        },
        {
            content: "No stock valuation on the workshop's unit",
            trigger: ".o_form_view:not(:has(.o_field_widget[name='avg_cost'])):not(:has(.o_field_widget[name='total_value'])) .o_form_sheet",
        },
        { content: "New Repair from the unit", trigger: "button[name='action_new_repair']", run: "click" },
        {
            content: "The coverage is known at once, above the title with the recall banner",
            trigger: ".o_form_view .alert-success:contains('Manufacturer Warranty') ~ .oe_title",
        },
        {
            content: "The customer is the unit's owner",
            trigger: ".o_field_widget[name='partner_id'] input:value(Floor Customer)",
        },
        { content: "Enter the odometer", trigger: ".o_field_widget[name='odometer_km'] input", run: "edit 12000" },
        { content: "Go to the loaner tab", trigger: "a.nav-link[name='warranty_service']", run: "click" },
        {
            content: "Look for a loaner",
            trigger: ".o_field_widget[name='loaner_lot_id'] input",
            run: "edit FLOOR",
        },
        {
            content: "Only the loaner fleet is offered, not the customers' units",
            trigger: ".o-autocomplete--dropdown-menu:not(:has(a:contains('VIN-FLOOR'))) a:contains('LOANER-FLOOR-1')",
            run: "click",
        },
        { content: "Go to the labour", trigger: "a.nav-link[name='warranty_labor']", run: "click" },
        {
            content: "Add a labour line",
            trigger: "div[name='labor_line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the operation",
            trigger: "div[name='labor_line_ids'] .o_data_row [name='operation_id'] input",
            run: "edit 00-FLOOR",
        },
        { content: "Pick it", trigger: ".o-autocomplete--dropdown-item > a:contains('00-FLOOR')", run: "click" },
        {
            content: "Hours proposed from the standard time",
            trigger: "div[name='labor_line_ids'] .o_data_row [name='hours'] input:value(03:30)",
        },
        { content: "Save", trigger: ".o_form_button_save", run: "click" },
        noErrorStep("Saved", ".o_form_saved"),
        {
            content: "Standard time and hours read alike (03:30)",
            trigger: "div[name='labor_line_ids'] .o_data_row td[name='standard_hours']:contains('03:30')",
        },
        { content: "Confirm the repair", trigger: "button[name='action_validate']", run: "click" },
        {
            content: "Confirmed at once: the customer's unit is not stock, no Insufficient Quantity dialog",
            trigger:
                "body:not(:has(.o_error_dialog)):not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains('Confirmed')",
        },
        { content: "Back to the loaner tab", trigger: "a.nav-link[name='warranty_service']", run: "click" },
        { content: "Lend the loaner", trigger: "button[name='action_lend_loaner']", run: "click" },
        noErrorStep("The loaner is out", ".o_field_widget[name='loaner_state']:contains('Lent')"),
        { content: "Start the repair", trigger: "button[name='action_repair_start']", run: "click" },
        noErrorStep(
            "Under repair",
            ".o_statusbar_status button.o_arrow_button_current:contains('Under Repair')",
        ),
        { content: "Go to the diagnosis", trigger: "a.nav-link[name='warranty_diagnosis']", run: "click" },
        {
            content: "Covered by the manufacturer: the causal part is marked required",
            trigger: ".o_form_view .o_required_modifier[name='causal_part_id']",
        },
        {
            content: "The failure cause too",
            trigger: ".o_form_view .o_required_modifier[name='failure_cause']",
        },
        {
            content: "Describe the cause",
            trigger: ".o_field_widget[name='failure_cause'] textarea",
            run: "edit Seal hardened: material defect",
        },
        {
            content: "Leave the text field",
            trigger: ".o_field_widget[name='failure_cause'] textarea",
            run: "press Tab",
        },
        {
            content: "Enter the defect code",
            trigger: ".o_field_widget[name='defect_code_ids'] input",
            run: "edit F-FLOOR",
        },
        { content: "Pick it", trigger: ".o-autocomplete--dropdown-item > a:contains('F-FLOOR')", run: "click" },
        {
            content: "Enter the causal part",
            trigger: ".o_field_widget[name='causal_part_id'] input",
            run: "edit Floor Seal",
        },
        { content: "Pick it", trigger: ".o-autocomplete--dropdown-item > a:contains('Floor Seal')", run: "click" },
        { content: "Save", trigger: ".o_form_button_save", run: "click" },
        noErrorStep("Saved", ".o_form_saved"),
        { content: "End the repair", trigger: "button[name='action_repair_end']", run: "click" },
        noErrorStep(
            "The repair is done",
            ".o_statusbar_status button.o_arrow_button_current:contains('Repaired')",
        ),
        { content: "Back to the unit", trigger: ".o_breadcrumb a:contains('VIN-FLOOR-W1')", run: "click" },
        {
            content: "Its history counts the repair",
            trigger: "button[name='action_lot_open_repairs'] .o_stat_value:contains('1')",
        },
        { content: "Open its registration", trigger: "button[name='action_view_warranty_registrations']", run: "click" },
        noErrorStep(
            "A registration made by hand has no empty Sale section, and links to the unit's repairs",
            ".o_form_view:not(:has(.o_horizontal_separator:contains('Sale'))) button[name='action_view_repairs'] .o_stat_value:contains('1')",
        ),
    ],
});

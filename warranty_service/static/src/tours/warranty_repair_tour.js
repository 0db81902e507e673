import { registry } from "@web/core/registry";
import { noErrorStep, openSerialSteps, reportAnswersStep } from "./tour_steps";

// The workshop master opens the repair of a unit from its serial, sees the coverage, records the
// diagnosis and the labour, completes the repair and prints the repair act.
registry.category("web_tour.tours").add("warranty_service_repair_tour", {
    url: "/odoo/action-warranty_service.stock_lot_action_warranty",
    steps: () => [
        ...openSerialSteps("VIN-TOUR-R1"),
        { content: "Open its repairs", trigger: "button[name='action_lot_open_repairs']", run: "click" },
        { content: "Open the repair", trigger: ".o_data_row .o_data_cell[name='name']", run: "click" },
        {
            content: "The coverage is shown at once",
            trigger: ".o_form_view .alert-success:contains('Manufacturer Warranty')",
        },
        { content: "Go to the diagnosis", trigger: "a.nav-link[name='warranty_diagnosis']", run: "click" },
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
            run: "edit T-TOUR",
        },
        { content: "Pick it", trigger: ".o-autocomplete--dropdown-item > a:contains('T-TOUR')", run: "click" },
        {
            content: "Enter the causal part",
            trigger: ".o_field_widget[name='causal_part_id'] input",
            run: "edit Tour Seal",
        },
        { content: "Pick it", trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Seal')", run: "click" },
        { content: "Go to the labour", trigger: "a.nav-link[name='warranty_labor']", run: "click" },
        {
            content: "Add a labour line",
            trigger: "div[name='labor_line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the operation",
            trigger: "div[name='labor_line_ids'] .o_data_row [name='operation_id'] input",
            run: "edit 00-TOUR",
        },
        { content: "Pick it", trigger: ".o-autocomplete--dropdown-item > a:contains('00-TOUR')", run: "click" },
        {
            content: "The standard time is proposed",
            trigger: "div[name='labor_line_ids'] .o_data_row [name='hours'] input:value(01:30)",
        },
        { content: "Save", trigger: ".o_form_button_save", run: "click" },
        noErrorStep("Saved", ".o_form_saved"),
        { content: "Complete the repair", trigger: "button[name='action_repair_end']", run: "click" },
        {
            content: "The repair is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Repaired')",
        },
        { content: "Print the repair act", trigger: "button[name='action_print_repair_act']", run: "click" },
        noErrorStep(
            "The repair stays open, without error",
            ".o_form_view .alert-success:contains('Manufacturer Warranty')",
        ),
        reportAnswersStep("The repair act answers", "warranty_service.report_repair_act", "VIN-TOUR-R1"),
    ],
});

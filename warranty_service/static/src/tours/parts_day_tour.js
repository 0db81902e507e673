import { registry } from "@web/core/registry";
import { noErrorStep } from "./tour_steps";
import { openWarrantyAppSteps } from "./workshop_day_tour";

const QUEUE_COLUMNS =
    ".o_kanban_group:contains('Submitted') + .o_kanban_group:contains('Approved') + .o_kanban_group:contains('Done')";

// The parts staff land on their requisition queue (issue 17).
registry.category("web_tour.tours").add("warranty_service_parts_landing_tour", {
    url: "/odoo",
    steps: () => [
        ...openWarrantyAppSteps(),
        noErrorStep("The app opens on the requisition queue", ".o_breadcrumb .active:contains('Requisition Queue')"),
        { content: "Its columns follow the flow", trigger: `.o_kanban_renderer ${QUEUE_COLUMNS}` },
    ],
});

// The parts staff's day (README): work the queue (refuse with a reason, approve), pick from the list of
// parts to pick, validate the transfer, see the tools to take back; check what issue 17 found wrong.
registry.category("web_tour.tours").add("warranty_service_parts_day_tour", {
    url: "/odoo",
    steps: () => [
        ...openWarrantyAppSteps(),
        noErrorStep("Landing: the queue, in the order of the flow", `.o_kanban_renderer ${QUEUE_COLUMNS}`),
        {
            content: "The workshop's drafts are not in the queue",
            trigger: ".o_kanban_renderer:not(:has(.o_kanban_record:contains('Floor draft'))) .o_kanban_record:contains('Floor wipers')",
        },
        {
            content: "Open the request to refuse",
            trigger: ".o_kanban_group:contains('Submitted') .o_kanban_record:contains('Floor wipers')",
            run: "click",
        },
        {
            content: "No Submit button for the parts staff; no Return Tools before any tool is issued",
            trigger: ".o_form_view:not(:has(button[name='action_submit'])):not(:has(button[name='action_return_tools'])) button[name='action_open_refuse_wizard']",
        },
        { content: "Refuse", trigger: "button[name='action_open_refuse_wizard']", run: "click" },
        {
            content: "The dialog asks for the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Discontinued: order the new reference",
        },
        { content: "Refuse it", trigger: ".modal button[name='action_refuse']", run: "click" },
        {
            content: "Refused, the reason on the request",
            trigger:
                "body:not(:has(.o_error_dialog)):not(:has(.modal)) .o_field_widget[name='refuse_reason']:contains('Discontinued')",
        },
        { content: "Back to the queue", trigger: ".o_breadcrumb a:contains('Requisition Queue')", run: "click" },
        {
            content: "Open the request to approve",
            trigger: ".o_kanban_group:contains('Submitted') .o_kanban_record:contains('Floor filters')",
            run: "click",
        },
        {
            content: "The estimated value shows its currency",
            trigger: ".o_field_widget[name='amount_estimated']:contains('$'):contains('50.00')",
        },
        {
            content: "No Return Tools before the tool is issued",
            trigger: ".o_form_view:not(:has(button[name='action_return_tools'])) button[name='action_approve']",
        },
        { content: "Approve", trigger: "button[name='action_approve']", run: "click" },
        noErrorStep("Approved", ".o_statusbar_status button.o_arrow_button_current:contains('Approved')"),
        {
            content: "Still no Return Tools: nothing issued yet",
            trigger: ".o_form_view:not(:has(button[name='action_return_tools'])) .o_statusbar_status",
        },
        {
            content: "Open the Parts menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='warranty_service.warranty_part_requisition_menu_root']",
            run: "click",
        },
        {
            content: "Parts to Pick",
            trigger: ".dropdown-item[data-menu-xmlid='warranty_service.warranty_part_requisition_line_menu_to_pick']",
            run: "click",
        },
        {
            content: "Each line says where to pick it and its transfer",
            trigger: ".o_data_row:contains('Floor Oil Filter') td[name='pick_location_names']:contains('WH/Stock')",
        },
        {
            content: "Required By without seconds",
            trigger: ".o_data_row:contains('Floor Oil Filter') td[name='date']",
            run() {
                const text = this.anchor.textContent.trim();
                if (!text || /\d{1,2}:\d{2}:\d{2}/.test(text)) {
                    throw new Error(`Required By reads "${text}"`);
                }
            },
        },
        {
            content: "A line opens",
            trigger: ".o_data_row:contains('Floor Oil Filter') td[name='product_id']",
            run: "click",
        },
        {
            content: "Open its transfer",
            trigger: ".o_form_view .o_field_widget[name='picking_id'] a",
            run: "click",
        },
        {
            content: "The transfer shows where from and where to",
            trigger: ".o_form_view:has(.o_field_widget[name='location_id']:contains('WH/Stock')):has(.o_field_widget[name='location_dest_id']:contains('Workshop')) button[name='button_validate']",
        },
        { content: "Validate the transfer", trigger: "button[name='button_validate']", run: "click" },
        noErrorStep("The transfer is done", ".o_statusbar_status button.o_arrow_button_current:contains('Done')"),
        { content: "Back to the line", trigger: ".o_breadcrumb a:contains('Floor Oil Filter')", run: "click" },
        {
            content: "Open the requisition",
            trigger: ".o_form_view .o_field_widget[name='requisition_id'] a",
            run: "click",
        },
        noErrorStep("The lent tool can now be taken back", ".o_form_view button[name='action_return_tools']"),
    ],
});

import { registry } from "@web/core/registry";
import { noErrorStep } from "./tour_steps";

// The accountant follows a large remittance booked in the background (3 of its 8 rows booked), then stops it.
registry.category("web_tour.tours").add("warranty_service_background_import_tour", {
    url: "/odoo/action-warranty_service.warranty_remittance_import_action_history",
    steps: () => [
        {
            content: "Open the import in progress",
            trigger: ".o_data_row:contains('In Progress') .o_data_cell[name='manufacturer_id']",
            run: "click",
        },
        noErrorStep(
            "Its state is shown",
            ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        ),
        { content: "Its progress bar", trigger: ".o_form_view .o_field_widget[name='progress'] .o_progressbar" },
        { content: "What it booked so far", trigger: ".o_form_view .o_field_widget[name='matched_count']:contains('3')" },
        { content: "What the queue said", trigger: ".o-mail-Message:contains('Queued: its 8 rows')" },
        { content: "Stop it", trigger: ".o_form_view button[name='action_cancel']", run: "click" },
        { content: "Confirm", trigger: ".modal-footer .btn-primary", run: "click" },
        noErrorStep(
            "It is cancelled",
            ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Cancelled')",
        ),
        { content: "Resume is offered", trigger: ".o_form_view button[name='action_resume']" },
    ],
});

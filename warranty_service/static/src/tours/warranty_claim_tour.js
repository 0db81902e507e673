import { registry } from "@web/core/registry";
import { noErrorStep, openSerialSteps, reportAnswersStep } from "./tour_steps";

// The warranty engineer claims a done repair from the manufacturer, submits the claim and prints the
// reclamation act that goes with the part.
registry.category("web_tour.tours").add("warranty_service_claim_tour", {
    url: "/odoo/action-warranty_service.stock_lot_action_warranty",
    steps: () => [
        ...openSerialSteps("VIN-TOUR-C1"),
        { content: "Open its repairs", trigger: "button[name='action_lot_open_repairs']", run: "click" },
        { content: "Open the done repair", trigger: ".o_data_row .o_data_cell[name='name']", run: "click" },
        { content: "Claim it from the manufacturer", trigger: "button[name='action_create_warranty_claim']", run: "click" },
        {
            content: "The claim is prepared from the repair",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        { content: "Submit it", trigger: "button[name='action_submit']", run: "click" },
        {
            content: "It is submitted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        },
        { content: "Print the reclamation act", trigger: "button[name='action_print_reclamation_act']", run: "click" },
        noErrorStep(
            "The claim stays open, without error",
            ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Submitted')",
        ),
        reportAnswersStep("The reclamation act answers", "warranty_service.report_reclamation_act", "VIN-TOUR-C1"),
    ],
});

import { registry } from "@web/core/registry";
import { noErrorStep, openSerialSteps, reportAnswersStep } from "./tour_steps";

// A workshop master finds a unit by its serial (VIN), opens its warranty and prints the certificate.
registry.category("web_tour.tours").add("warranty_service_lookup_tour", {
    url: "/odoo/action-warranty_service.stock_lot_action_warranty",
    steps: () => [
        ...openSerialSteps("VIN-TOUR-1"),
        {
            content: "The unit shows it is under warranty",
            trigger: ".o_form_view .o_field_widget[name='warranty_state']:contains('Under Warranty')",
        },
        {
            content: "Open its warranty registration",
            trigger: "button[name='action_view_warranty_registrations']",
            run: "click",
        },
        {
            content: "The registration of that serial is open",
            trigger: ".o_form_view .o_field_widget[name='lot_id']:contains('VIN-TOUR-1')",
        },
        {
            content: "Print the warranty certificate",
            trigger: "button[name='action_print_certificate']",
            run: "click",
        },
        noErrorStep(
            "The registration stays open, without error",
            ".o_form_view .o_field_widget[name='partner_id']:contains('Tour Customer')",
        ),
        reportAnswersStep("The certificate answers", "warranty_service.report_warranty_certificate", "VIN-TOUR-1"),
    ],
});

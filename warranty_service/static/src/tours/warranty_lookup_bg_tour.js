import { registry } from "@web/core/registry";
import { noErrorStep, openSerialSteps, reportAnswersStep } from "./tour_steps";

// The workshop master's serial lookup in Bulgarian: the screens show the addon's Bulgarian words
// (from i18n/bg.po) and the certificate prints as a Bulgarian гаранционна карта.
registry.category("web_tour.tours").add("warranty_service_lookup_bg_tour", {
    url: "/odoo/action-warranty_service.stock_lot_action_warranty",
    steps: () => [
        ...openSerialSteps("VIN-BG-1"),
        {
            content: "The unit shows it is under warranty (В гаранция)",
            trigger: ".o_form_view .o_field_widget[name='warranty_state']:contains('В гаранция')",
        },
        {
            content: "Open its warranty registration (the Гаранция smart button)",
            trigger: "button[name='action_view_warranty_registrations']:contains('Гаранция')",
            run: "click",
        },
        {
            content: "The registration of that serial is open",
            trigger: ".o_form_view .o_field_widget[name='lot_id']:contains('VIN-BG-1')",
        },
        {
            content: "Print the warranty certificate (Отпечатай гаранционна карта)",
            trigger: "button[name='action_print_certificate']:contains('Отпечатай гаранционна карта')",
            run: "click",
        },
        noErrorStep(
            "The registration stays open, without error",
            ".o_form_view .o_field_widget[name='partner_id']:contains('Иван Петров')",
        ),
        reportAnswersStep(
            "The certificate answers, in Bulgarian",
            "warranty_service.report_warranty_certificate",
            "Гаранционна карта",
        ),
    ],
});

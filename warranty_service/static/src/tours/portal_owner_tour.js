import { registry } from "@web/core/registry";

// Issue 16: the owner in the portal. Data from tests/test_portal.py (TestPortalTour): Olga owns two vans, one
// with an open recall campaign.

function assertCount(selector, expected, what) {
    const count = document.querySelectorAll(selector).length;
    if (count !== expected) {
        throw new Error(`Expected ${expected} ${what}, found ${count}`);
    }
}

registry.category("web_tour.tours").add("warranty_service_portal_owner_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The portal home counts the owner's units",
            trigger: ".o_portal_index_card a[href='/my/units']:contains('Your Units')",
            run: "click",
        },
        {
            content: "Two units, one open recall campaign",
            trigger: "tr.o_warranty_portal_unit:contains('VIN-OLGA-2')",
            run() {
                assertCount("tr.o_warranty_portal_unit", 2, "units");
                assertCount(".o_warranty_portal_recall", 1, "recall campaigns");
            },
        },
        {
            content: "The recall is on the first van",
            trigger: "tr.o_warranty_portal_unit:contains('VIN-OLGA-1') .o_warranty_portal_recall:contains('Brake hose check')",
        },
        {
            content: "Open the first van",
            trigger: "tr.o_warranty_portal_unit:contains('VIN-OLGA-1') a",
            run: "click",
        },
        {
            content: "The recall is highlighted on the unit",
            trigger: ".alert-danger.o_warranty_portal_recall:contains('RC-PORTAL')",
        },
        {
            content: "Download the warranty certificate",
            trigger: "a.o_warranty_portal_certificate[href*='/certificate']",
            async run() {
                const link = document.querySelector("a.o_warranty_portal_certificate");
                const response = await fetch(link.getAttribute("href"));
                const type = response.headers.get("Content-Type");
                const disposition = response.headers.get("Content-Disposition") || "";
                if (!response.ok || type !== "application/pdf" || !disposition.includes("attachment")) {
                    throw new Error(`Certificate download failed: ${response.status} ${type} ${disposition}`);
                }
            },
        },
        {
            content: "Report a problem on the van",
            trigger: "a.o_warranty_portal_report_problem",
            run: "click",
        },
        {
            content: "Describe it",
            trigger: "textarea#description",
            run: "edit The steering wheel vibrates at 90 km/h.",
        },
        {
            content: "Choose the category",
            trigger: "select#category_id",
            run() {
                const select = document.querySelector("select#category_id");
                const option = [...select.options].find((opt) => opt.text === "Noise and vibration");
                select.value = option.value;
                select.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Attach a photo",
            trigger: "input#photos",
            async run() {
                const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
                const blob = await (await fetch(`data:image/png;base64,${png}`)).blob();
                const transfer = new DataTransfer();
                transfer.items.add(new File([blob], "steering.png", { type: "image/png" }));
                const input = document.querySelector("input#photos");
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send",
            trigger: "button.o_warranty_portal_submit",
            run: "click",
        },
        {
            content: "The complaint is registered with its photo",
            trigger: ".o_warranty_portal_complaint_sent:contains('is registered')",
        },
        {
            content: "The photo is shown",
            trigger: "a.o_warranty_portal_photo img",
        },
    ],
});

registry.category("web_tour.tours").add("warranty_service_portal_answer_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the complaints",
            trigger: ".o_portal_index_card a[href='/my/complaints']:contains('Your Complaints')",
            run: "click",
        },
        {
            content: "The complaint is answered",
            trigger: "tr.o_warranty_portal_complaint:contains('VIN-OLGA-1'):contains('Answered') a",
            run: "click",
        },
        {
            content: "Read the answer",
            trigger: ".o_warranty_portal_answer:contains('We replaced the wheel bearing under warranty.')",
        },
        {
            content: "Follow the repair opened for it",
            trigger: ".o_warranty_portal_complaint_repair a",
            run: "click",
        },
        {
            content: "The repair's progress",
            trigger: ".o_warranty_portal_repair_state",
        },
    ],
});

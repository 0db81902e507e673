// Steps the warranty tours share.

/** Search the serial in the list of serial numbers and open the unit (the workshop starts from the VIN). */
export function openSerialSteps(serial) {
    return [
        { content: "Type the serial number in the search", trigger: ".o_searchview_input", run: `edit ${serial}` },
        { content: "Search for it", trigger: ".o_searchview_input", run: "press Enter" },
        {
            content: "Open the unit",
            trigger: `.o_data_row:contains('${serial}') .o_data_cell[name='name']`,
            run: "click",
        },
    ];
}

/**
 * A step that waits for ``trigger`` on a page that shows no error dialog. Odoo draws its error and
 * warning dialogs (UserError, AccessError, tracebacks) in the dialog container at the end of the
 * page, never inside the form, so the check must look at the whole document.
 */
export function noErrorStep(content, trigger) {
    return { content, trigger: `body:not(:has(.o_error_dialog)) ${trigger}` };
}

/** The id of the record open in the form, read from the URL (/odoo/action-.../<id>). */
function currentRecordId() {
    const match = window.location.pathname.match(/\/(\d+)\/?$/);
    if (!match) {
        throw new Error(`No record id in the URL ${window.location.pathname}`);
    }
    return match[1];
}

/**
 * Ask the server for the report of the open record, as the logged-in user, and fail unless it
 * answers with the document and shows ``expected`` in it. (Under the test runner Odoo answers
 * /report/pdf with the report's HTML instead of running wkhtmltopdf; the Python tests render the
 * real PDFs.)
 */
export function reportAnswersStep(content, reportName, expected) {
    return {
        content,
        trigger: "body:not(:has(.o_error_dialog)) .o_form_view",
        run: async () => {
            const url = `/report/pdf/${reportName}/${currentRecordId()}`;
            const response = await fetch(url);
            if (!response.ok) {
                throw new Error(`${url} answered ${response.status}`);
            }
            const type = response.headers.get("Content-Type") || "";
            const body = await response.text();
            if (!type.startsWith("application/pdf") && !type.startsWith("text/html")) {
                throw new Error(`${url} answered ${type}, not a document`);
            }
            if (!body.startsWith("%PDF") && !body.includes(expected)) {
                throw new Error(`${url} does not show ${expected}`);
            }
        },
    };
}

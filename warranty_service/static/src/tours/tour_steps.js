// Steps the warranty tours share: the workshop starts from the unit's serial number (VIN).

/** Search the serial in the list of serial numbers and open the unit. */
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

// Steps the office tours (manager_day, accountant_day) share.

/**
 * Open a menu item of the app's menu bar: from its section, or from the "More" menu when the bar is too
 * narrow for every section (a Warranty Manager sees them all).
 */
export function openMenuSteps(sectionXmlid, itemXmlid) {
    return [
        {
            content: `Open the menu ${sectionXmlid}`,
            trigger: ".o_main_navbar .o_menu_sections",
            run() {
                const section = document.querySelector(
                    `.o_menu_sections button[data-menu-xmlid='warranty_service.${sectionXmlid}']`
                );
                (section || document.querySelector(".o_menu_sections_more button")).click();
            },
        },
        {
            content: `Open ${itemXmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid='warranty_service.${itemXmlid}']`,
            run: "click",
        },
    ];
}

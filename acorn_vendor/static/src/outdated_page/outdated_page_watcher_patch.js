/**
 * "The page is out of date" after every full page load, without anything being missed.
 *
 * Odoo 18.0 builds before May 2025 check for missed bus notifications when the websocket
 * (shared by the browser's tabs and page loads) reconnects, with the id of the last
 * notification *this page* received. A page that was just loaded has none yet, so the server
 * is asked about notification `null`, which never exists: the notice shows on the second and
 * later page loads in a tab. Upstream fixed it in odoo/odoo#208625 and #209609: read the last
 * id every tab shares, and skip the check when there is none. This mirrors that fix with one
 * step more: a shared id from before this page loaded is not used either. The bus deletes
 * notifications older than 100 seconds at its daily clean-up, so such an id is soon gone and
 * would flag a page that has just loaded fresh data (seen in the demo after a restart). What a
 * page can miss is what arrived after it loaded: the ids it received, or that another tab
 * received since.
 * On a build that has upstream's fix the same listeners run after upstream's, so this stays
 * harmless there.
 */
import { OutdatedPageWatcherService } from "@bus/outdated_page_watcher_service";
import { patch } from "@web/core/utils/patch";

patch(OutdatedPageWatcherService.prototype, {
    setup(env, services) {
        super.setup(env, services);
        const { bus_service, multi_tab } = services;
        const sharedAtLoad = multi_tab.getSharedValue("last_notification_id");
        this.lastNotificationId = null;
        // Added after upstream's own listener, so this value is the one kept.
        bus_service.addEventListener("disconnect", () => {
            const shared = multi_tab.getSharedValue("last_notification_id");
            this.lastNotificationId =
                shared && shared !== sharedAtLoad ? shared : bus_service.lastNotificationId;
        });
    },

    async checkHasMissedNotifications() {
        if (!this.lastNotificationId) {
            return;
        }
        return super.checkHasMissedNotifications(...arguments);
    },
});

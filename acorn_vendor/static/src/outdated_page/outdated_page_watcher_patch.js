/**
 * "The page is out of date" after every full page load, without anything being missed.
 *
 * Odoo 18.0 builds before May 2025 check for missed bus notifications when the websocket
 * (shared by the browser's tabs and page loads) reconnects, with the id of the last
 * notification *this page* received. A page that was just loaded has none yet, so the server
 * is asked about notification `null`, which never exists: the notice shows on the second and
 * later page loads in a tab. Upstream fixed it in odoo/odoo#208625 and #209609 (read the last
 * id every tab shares, and skip the check when there is none); this mirrors that fix.
 * On a build that has it, the same values are read again and the check is skipped alike,
 * so the patch changes nothing there.
 */
import { OutdatedPageWatcherService } from "@bus/outdated_page_watcher_service";
import { patch } from "@web/core/utils/patch";

patch(OutdatedPageWatcherService.prototype, {
    setup(env, services) {
        super.setup(env, services);
        const { bus_service, multi_tab } = services;
        this.lastNotificationId ??= multi_tab.getSharedValue("last_notification_id");
        // Added after upstream's own listener, so this value is the one kept.
        bus_service.addEventListener("disconnect", () => {
            this.lastNotificationId =
                multi_tab.getSharedValue("last_notification_id") ?? this.lastNotificationId;
        });
    },

    async checkHasMissedNotifications() {
        if (!this.lastNotificationId) {
            return;
        }
        return super.checkHasMissedNotifications(...arguments);
    },
});

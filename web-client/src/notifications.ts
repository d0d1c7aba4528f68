// Desktop notifications for direct messages and mentions while the tab is hidden. Permission
// is only ever requested from a click in Settings (browsers penalise unprompted requests, and
// people deserve to be asked when they expect it). The text shown is plain, never HTML.
import type { Channel, Message } from "./protocol";
import type { ChatStore } from "./store/chat";
import { mentions } from "./markdown/render";
import { t } from "./i18n";

const ENABLED_KEY = "xerrada.notifications";

export type NotificationState = "unsupported" | "denied" | "default" | "enabled" | "disabled";

export class Notifications {
  /** Called when the user clicks a notification: show that channel. */
  onOpen: (channelId: string) => void = () => undefined;

  constructor(private readonly store: ChatStore) {}

  state(): NotificationState {
    if (typeof Notification === "undefined") return "unsupported";
    if (Notification.permission === "denied") return "denied";
    if (Notification.permission === "default") return "default";
    return this.wanted() ? "enabled" : "disabled";
  }

  /** From a user gesture only. */
  async enable(): Promise<NotificationState> {
    if (typeof Notification === "undefined") return "unsupported";
    const permission = await Notification.requestPermission();
    if (permission === "granted") this.setWanted(true);
    return this.state();
  }

  disable(): void {
    this.setWanted(false);
  }

  incoming(channel: Channel, message: Message): void {
    if (this.state() !== "enabled" || document.visibilityState === "visible") return;
    const me = this.store.me;
    if (!me) return;
    const isDm = channel.kind === "direct";
    // The server's `mentions` also knows department mentions (`@urbanisme`); the body, older servers.
    const mentioned = message.mentions?.includes(me.id) || mentions(message.body, me.username);
    if (!isDm && !mentioned) return;
    const author = message.extras?.username || this.store.displayName(message.author_id);
    const title = isDm ? author : t("notify.mention", { author, channel: channel.name });
    // A message of files alone says their names.
    const text = message.body.trim() || (message.files ?? []).map((f) => f.name).join(", ");
    const body = text.length > 140 ? `${text.slice(0, 139)}…` : text;
    try {
      const notification = new Notification(title, { body, tag: channel.id, icon: "/icons/icon-192.png" });
      notification.onclick = () => {
        window.focus();
        this.onOpen(channel.id);
        notification.close();
      };
    } catch {
      // Some platforms (Android Chrome) only notify through a service worker: skip quietly.
    }
  }

  private wanted(): boolean {
    try {
      return localStorage.getItem(ENABLED_KEY) !== "off";
    } catch {
      return true;
    }
  }

  private setWanted(on: boolean): void {
    try {
      localStorage.setItem(ENABLED_KEY, on ? "on" : "off");
    } catch {
      // Not remembered.
    }
  }
}

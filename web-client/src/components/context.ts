// Wiring shared by every component: the store, the sync engine, the auth session and the
// notifier, provided once by <App>. Components read state through `useStore()`, which
// re-renders them when the store changes (or the language does).
import { createContext } from "preact";
import { useContext, useEffect, useReducer } from "preact/hooks";
import type { AuthSession } from "../auth/session";
import { onLocaleChange } from "../i18n";
import type { Notifications } from "../notifications";
import type { ChatStore } from "../store/chat";
import type { SyncEngine } from "../sync/engine";

export interface Services {
  store: ChatStore;
  engine: SyncEngine;
  auth: AuthSession;
  notifications: Notifications;
  logout(): void;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("useServices outside <ServicesContext.Provider>");
  return services;
}

/** Subscribes the calling component to store changes; returns the store. */
export function useStore(): ChatStore {
  const { store } = useServices();
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => store.subscribe(() => bump(undefined)), [store]);
  return store;
}

/** Re-renders the calling component when the language changes. */
export function useLocale(): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => onLocaleChange(() => bump(undefined)), []);
}

// The top of the UI: decides between the boot screen, the login screen and the chat, and
// builds the chat's services (store, engine, notifier) for each login.
import { useEffect, useMemo, useState } from "preact/hooks";
import { Api } from "../api/client";
import type { AuthSession } from "../auth/session";
import { t } from "../i18n";
import { Notifications } from "../notifications";
import { ChatStore } from "../store/chat";
import { backoffDelay } from "../sync/backoff";
import { SyncEngine } from "../sync/engine";
import { type Services, ServicesContext, useLocale } from "./context";
import { Login } from "./Login";
import { OfflineBanner } from "./OfflineBanner";
import { Shell } from "./Shell";

type Phase = "booting" | "offline" | "login" | "chat";

export function App({ auth }: { auth: AuthSession }) {
  useLocale();
  const [phase, setPhase] = useState<Phase>("booting");
  const [loggedOutReason, setLoggedOutReason] = useState<"" | "ended">("");

  // At page load, the refresh cookie may still hold a session: no login needed then.
  useEffect(() => {
    let cancelled = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tryRestore = async () => {
      const result = await auth.restore();
      if (cancelled) return;
      if (result === "restored") setPhase("chat");
      else if (result === "unauthenticated") setPhase("login");
      else {
        // Opened offline (from the service worker's cache): wait for the network.
        setPhase("offline");
        timer = setTimeout(tryRestore, backoffDelay(attempt++));
      }
    };
    const onOnline = () => {
      if (timer) clearTimeout(timer);
      attempt = 0;
      void tryRestore();
    };
    void tryRestore();
    window.addEventListener("online", onOnline);
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
      window.removeEventListener("online", onOnline);
    };
  }, [auth]);

  if (phase === "booting") {
    return (
      <div class="boot" role="status">
        {t("app.loading")}
      </div>
    );
  }
  if (phase === "offline") {
    return (
      <div class="boot">
        <OfflineBanner visible />
        <p role="status">{t("app.waitingForNetwork")}</p>
      </div>
    );
  }
  if (phase === "login") {
    return (
      <Login
        auth={auth}
        notice={loggedOutReason === "ended" ? t("login.sessionEnded") : ""}
        onLoggedIn={() => {
          setLoggedOutReason("");
          setPhase("chat");
        }}
      />
    );
  }
  return (
    <Chat
      auth={auth}
      onLoggedOut={(ended) => {
        setLoggedOutReason(ended ? "ended" : "");
        setPhase("login");
      }}
    />
  );
}

/** One logged-in session of the chat: its services live and die with it. */
function Chat({ auth, onLoggedOut }: { auth: AuthSession; onLoggedOut: (ended: boolean) => void }) {
  const services = useMemo<Services>(() => {
    const store = new ChatStore();
    const api = new Api(auth);
    const notifications = new Notifications(store);
    let done = false;
    const finish = (ended: boolean) => {
      if (done) return;
      done = true;
      engine.stop();
      store.reset();
      onLoggedOut(ended);
    };
    const engine = new SyncEngine(
      store,
      api,
      auth,
      notifications,
      () => {
        auth.clear();
        finish(true);
      },
      localStorageOrNull(),
    );
    notifications.onOpen = (channelId) => engine.openChannel(channelId);
    return {
      store,
      engine,
      auth,
      notifications,
      logout: () => {
        // Stop the socket first, so the server's 4003 for this logout is not taken as an error.
        engine.stop();
        // Nothing this user typed stays on the device after an explicit logout.
        engine.forgetLocalData();
        void auth.logout().then(() => finish(false));
      },
    };
    // One set of services per login; `auth` and the callback are stable for its lifetime.
  }, []);

  useEffect(() => {
    services.engine.start();
    // Test hook, only in test builds or when the browser tests open the page with `?e2e`: lets
    // them cut the socket the way a network drop would. Absent in normal use.
    const hooks = window as unknown as { __xerrada?: unknown };
    if (testHooksEnabled()) hooks.__xerrada = { reconnect: () => services.engine.reconnect() };
    return () => {
      services.engine.stop();
      delete hooks.__xerrada;
    };
  }, [services]);

  return (
    <ServicesContext.Provider value={services}>
      <Shell />
    </ServicesContext.Provider>
  );
}

/** Whether the browser-test hook is exposed (test builds, or a page opened with `?e2e`). */
export function testHooksEnabled(): boolean {
  if (import.meta.env.MODE === "test") return true;
  try {
    return new URLSearchParams(window.location.search).has("e2e");
  } catch {
    return false;
  }
}

function localStorageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage disabled (privacy settings): nothing survives a reload, everything else works.
    return null;
  }
}

// Entry point: language, service worker, then the app.
import { render } from "preact";
import { AuthSession } from "./auth/session";
import { App } from "./components/App";
import { initLocale } from "./i18n";
import "./styles/app.css";

initLocale();

if ("serviceWorker" in navigator && import.meta.env.PROD) {
  // The app shell keeps working offline (it opens to the offline banner); /api is never cached.
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").catch((e) => console.warn("xerrada: no service worker", e));
  });
}

const root = document.getElementById("app");
if (root) render(<App auth={new AuthSession()} />, root);

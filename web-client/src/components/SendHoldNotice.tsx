// The notice shown while sends wait out a "too fast" refusal (HTTP 429's cousin on the socket).
// Nothing is lost: the refused messages stay pending and go out by themselves, in order, when
// the wait is over; this only says when. It blocks nothing, and the user can keep typing.
import { useEffect, useMemo, useReducer } from "preact/hooks";
import { t } from "../i18n";
import { useStore } from "./context";
import { waitSeconds } from "./errors";

export function SendHoldNotice() {
  const store = useStore();
  const until = store.sendHoldUntil;
  const [, tick] = useReducer((n: number) => n + 1, 0);
  const left = until - Date.now();
  const held = left > 0;
  // Read out once per hold; the countdown on screen changes every second and is not.
  const announced = useMemo(() => (held ? t("messages.sendHold", { count: waitSeconds(left) }) : ""), [until]);
  useEffect(() => {
    if (!held) return;
    const timer = setInterval(() => tick(undefined), 1000);
    return () => clearInterval(timer);
  }, [until, held]);
  if (!held) return null;
  return (
    <p class="send-hold" data-testid="send-hold">
      <span class="visually-hidden" role="status">
        {announced}
      </span>
      <span aria-hidden="true">{t("messages.sendHold", { count: waitSeconds(left) })}</span>
    </p>
  );
}

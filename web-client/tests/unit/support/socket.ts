// A socket for engine tests: always ready, recording every frame the engine sends.

import type { ClientFrame } from "../../../src/protocol";
import type { SyncEngine } from "../../../src/sync/engine";

export type SendFrame = Extract<ClientFrame, { type: "send" }>;

/** Puts a recording socket in place of the engine's; returns what it records. */
export function recordingSocket(engine: SyncEngine): { sent: ClientFrame[]; sends: () => SendFrame[] } {
  const sent: ClientFrame[] = [];
  const socket = {
    send: (frame: ClientFrame) => {
      sent.push(frame);
      return true;
    },
    isReady: () => true,
    start: () => undefined,
    stop: () => undefined,
    reconnectNow: () => undefined,
    reconnectQuietly: () => undefined,
    announcedLanguage: () => "ca",
  };
  (engine as unknown as { socket: typeof socket }).socket = socket;
  const sends = () => sent.filter((f): f is SendFrame => f.type === "send");
  return { sent, sends };
}

// A long press on a touch screen: the touch stands in for hover (who reacted) and for the
// right click (a message's menu). Mouse and pen keep their usual behaviour; a finger that
// moves (scrolling) or lifts early is a tap or a scroll, not a long press.
import { useEffect, useRef } from "preact/hooks";

export const LONG_PRESS_MS = 500;
/** A finger moving further than this is scrolling. */
const MOVE_TOLERANCE_PX = 10;

export interface LongPressHandlers {
  onPointerDown: (event: PointerEvent) => void;
  onPointerMove: (event: PointerEvent) => void;
  onPointerUp: () => void;
  onPointerCancel: () => void;
  onContextMenu: (event: Event) => void;
  onClickCapture: (event: Event) => void;
}

export function useLongPress(onLongPress: (target: HTMLElement) => void): LongPressHandlers {
  const callback = useRef(onLongPress);
  callback.current = onLongPress;
  const press = useRef<{ timer: ReturnType<typeof setTimeout>; x: number; y: number } | null>(null);
  /** The press that just ended was long: the click that follows it is not a tap. */
  const fired = useRef(false);
  const cancel = () => {
    if (press.current) clearTimeout(press.current.timer);
    press.current = null;
  };
  useEffect(() => cancel, []);
  return {
    onPointerDown: (event) => {
      fired.current = false;
      if (event.pointerType !== "touch") return;
      cancel();
      const target = event.currentTarget as HTMLElement;
      const timer = setTimeout(() => {
        press.current = null;
        fired.current = true;
        callback.current(target);
      }, LONG_PRESS_MS);
      press.current = { timer, x: event.clientX, y: event.clientY };
    },
    onPointerMove: (event) => {
      const current = press.current;
      if (current && Math.hypot(event.clientX - current.x, event.clientY - current.y) > MOVE_TOLERANCE_PX) cancel();
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    // The browser's own long-press menu (or text selection callout) would cover ours.
    onContextMenu: (event) => {
      if (press.current || fired.current) event.preventDefault();
    },
    onClickCapture: (event) => {
      if (!fired.current) return;
      fired.current = false;
      event.preventDefault();
      // Immediate: on the pressed element itself, its own click listener must not run either.
      event.stopImmediatePropagation();
    },
  };
}

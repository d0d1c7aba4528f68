import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../src/sync/backoff";

describe("reconnection backoff", () => {
  it("grows exponentially with jitter between half and all of the ceiling", () => {
    const opts = { baseMs: 500, maxMs: 30_000 };
    expect(backoffDelay(0, opts, () => 0)).toBe(250);
    expect(backoffDelay(0, opts, () => 1)).toBe(500);
    expect(backoffDelay(3, opts, () => 0)).toBe(2000);
    expect(backoffDelay(3, opts, () => 1)).toBe(4000);
  });

  it("is capped", () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      expect(backoffDelay(attempt)).toBeLessThanOrEqual(30_000);
    }
  });

  it("spreads clients out", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(delays.size).toBeGreaterThan(10);
  });
});

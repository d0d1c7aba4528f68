// The profile card's local time, from a person's time zone through Intl.
import { describe, expect, it } from "vitest";
import { browserTimeZone, localTime } from "../../src/components/ProfileCard";

describe("local time on the profile card", () => {
  it("shows the time in the person's zone, and nothing for an unknown zone", () => {
    const noon = new Date("2026-12-06T12:00:00Z");
    expect(localTime("Europe/Madrid", noon, "ca")).toBe("13:00");
    expect(localTime("America/New_York", noon, "en")).toMatch(/07:00/);
    expect(localTime("Not/AZone", noon, "ca")).toBeNull();
  });

  it("defaults to the browser's zone", () => {
    expect(typeof browserTimeZone()).toBe("string");
  });
});

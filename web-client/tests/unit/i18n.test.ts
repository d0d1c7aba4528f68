import { describe, expect, it } from "vitest";
import ca from "../../src/i18n/ca.json";
import en from "../../src/i18n/en.json";
import es from "../../src/i18n/es.json";
import { pickLocale, translate } from "../../src/i18n";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("translations", () => {
  it("have exactly the same keys in Catalan, Spanish and English", () => {
    const keys = Object.keys(ca).sort();
    expect(Object.keys(es).sort()).toEqual(keys);
    expect(Object.keys(en).sort()).toEqual(keys);
  });

  it("use the same placeholders in every language, and no empty text", () => {
    for (const [key, text] of Object.entries(ca)) {
      for (const other of [es, en] as Record<string, string>[]) {
        expect(placeholders(other[key]!), key).toEqual(placeholders(text));
        expect(other[key]!.trim(), key).not.toBe("");
      }
    }
  });

  it("picks the first supported browser language, Catalan by default", () => {
    expect(pickLocale(["es-ES", "en"])).toBe("es");
    expect(pickLocale(["fr-FR", "en-GB"])).toBe("en");
    expect(pickLocale(["ca-ES-valencia"])).toBe("ca");
    expect(pickLocale(["de"])).toBe("ca");
    expect(pickLocale([])).toBe("ca");
  });

  it("fills placeholders and picks plural forms", () => {
    expect(translate(ca, "channel.members", { count: 1 }, "ca")).toBe("1 membre");
    expect(translate(ca, "channel.members", { count: 3 }, "ca")).toBe("3 membres");
    expect(translate(en, "typing.one", { name: "Joan" }, "en")).toBe("Joan is typing…");
  });
});

describe("no UI text outside the translation files", () => {
  it("components contain no bare text between JSX tags", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../../src/components/", import.meta.url);
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".tsx")) continue;
      const source = readFileSync(new URL(file, dir), "utf8");
      // Text directly between a closing ">" and an opening "<" that contains letters.
      const bare = [...source.matchAll(/>\s*([A-Za-zÀ-ÿ][^<>{}]*?)\s*</g)]
        .map((m) => m[1]!.trim())
        .filter((text) => !/^[\w.]+\s*=>/.test(text) && !/[;=()]/.test(text));
      expect(bare, file).toEqual([]);
    }
  });
});

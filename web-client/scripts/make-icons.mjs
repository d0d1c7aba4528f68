// Renders public/icons/*.svg to the PNG sizes the web app manifest lists, with Debian's
// Chromium (the same one the browser tests use). Run after changing an icon:
//   node scripts/make-icons.mjs
import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../public/icons/", import.meta.url));
const jobs = [
  ["icon.svg", "icon-192.png", 192],
  ["icon.svg", "icon-512.png", 512],
  ["icon-maskable.svg", "icon-maskable-512.png", 512],
];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage();
for (const [source, target, size] of jobs) {
  const svg = readFileSync(dir + source, "utf8");
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${svg.replace("<svg ", `<svg width="${size}" height="${size}" `)}</body></html>`,
  );
  await page.screenshot({ path: dir + target, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log("wrote", target);
}
await browser.close();

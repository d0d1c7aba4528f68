// Fails when the built JavaScript is over budget (150 KiB gzipped, all chunks together):
// the client must load fast on a modest laptop and a phone on a weak connection.
// Run after `npm run build`:  npm run check:size
import { readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const BUDGET_BYTES = 150 * 1024;
const assets = fileURLToPath(new URL("../dist/assets/", import.meta.url));
let total = 0;
for (const name of readdirSync(assets)) {
  if (!name.endsWith(".js")) continue;
  const size = gzipSync(readFileSync(assets + name), { level: 9 }).length;
  total += size;
  console.log(`${name}: ${(size / 1024).toFixed(1)} KiB gzipped`);
}
const verdict = total <= BUDGET_BYTES ? "within" : "OVER";
console.log(`total JS: ${(total / 1024).toFixed(1)} KiB gzipped, ${verdict} the ${BUDGET_BYTES / 1024} KiB budget`);
if (total > BUDGET_BYTES) process.exit(1);

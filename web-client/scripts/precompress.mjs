// Writes `<file>.br` and `<file>.gz` next to every compressible file of dist/, after
// `vite build`: the server embeds them and sends the best one the browser accepts, so that
// nothing is compressed per request and the JavaScript travels at about a quarter of its size.
// A variant is kept only when it is smaller than the file; tiny files are left alone.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|map)$/;
const MIN_BYTES = 1024;
const dist = fileURLToPath(new URL("../dist/", import.meta.url));

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let before = 0;
let after = 0;
for (const path of files(dist)) {
  if (!COMPRESSIBLE.test(path)) continue;
  const bytes = readFileSync(path);
  if (bytes.length < MIN_BYTES) continue;
  const variants = {
    br: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gz: gzipSync(bytes, { level: 9 }),
  };
  for (const [suffix, packed] of Object.entries(variants)) {
    if (packed.length < bytes.length) writeFileSync(`${path}.${suffix}`, packed);
  }
  before += bytes.length;
  after += Math.min(variants.br.length, bytes.length);
}
console.log(`precompressed: ${(before / 1024).toFixed(1)} KiB -> ${(after / 1024).toFixed(1)} KiB with brotli`);

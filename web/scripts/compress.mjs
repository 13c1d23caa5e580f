// After `vite build`: a .gz and a .br beside every text asset where that is smaller, so the server
// sends compressed bytes without compressing per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = join(import.meta.dirname, '..', 'dist');
const compressible = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;
let raw = 0;
let br = 0;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (compressible.test(name)) {
      const data = readFileSync(path);
      const gz = gzipSync(data, { level: 9 });
      const b = brotliCompressSync(data, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      });
      if (gz.length < data.length) writeFileSync(path + '.gz', gz);
      if (b.length < data.length) writeFileSync(path + '.br', b);
      raw += data.length;
      br += Math.min(b.length, data.length);
    }
  }
}
walk(dist);
console.log(
  `compressed ${(raw / 1024).toFixed(0)} KiB of text assets to ${(br / 1024).toFixed(0)} KiB (brotli)`,
);

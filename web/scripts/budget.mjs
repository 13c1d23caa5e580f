// The first-load budget of each portal: the compressed JavaScript a browser fetches before the
// first page shows (the entry script and every chunk index.html preloads). Fails the build when
// a portal passes BUDGET_KB (default 500 KB brotli). Lazily loaded chunks (OpenAPI renderer,
// markdown) are not part of the first load and are listed apart.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dist = join(import.meta.dirname, '..', 'dist');
const budget = Number(process.env.BUDGET_KB ?? 500) * 1024;
const size = (file, enc) => {
  const p = join(dist, file + (enc ? `.${enc}` : ''));
  return existsSync(p) ? statSync(p).size : statSync(join(dist, file)).size;
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

let failed = false;
const firstLoad = new Set();
const rows = [];
for (const portal of ['publisher', 'devportal', 'admin']) {
  const html = readFileSync(join(dist, portal, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
  const js = refs.filter((r) => r.endsWith('.js'));
  const css = refs.filter((r) => r.endsWith('.css'));
  js.forEach((f) => firstLoad.add(f));
  const sum = (files, enc) => files.reduce((n, f) => n + size(f, enc), 0);
  const jsBr = sum(js, 'br');
  rows.push(
    `| ${portal} | ${js.length} | ${kb(sum(js))} | ${kb(sum(js, 'gz'))} | ${kb(jsBr)} | ${kb(sum(css, 'br'))} |`,
  );
  if (jsBr > budget) {
    failed = true;
    console.error(
      `budget: the ${portal} portal's first load is ${kb(jsBr)} of brotli JavaScript, over ${kb(budget)}`,
    );
  }
}
console.log(
  '| portal | scripts | JS raw | JS gzip | JS brotli | CSS brotli |\n|---|---|---|---|---|---|\n' +
    rows.join('\n'),
);
const lazy = readdirSync(join(dist, 'assets')).filter(
  (f) => f.endsWith('.js') && !firstLoad.has(`assets/${f}`),
);
const lazyBr = lazy.map((f) => [f, size(`assets/${f}`, 'br')]).sort((a, b) => b[1] - a[1]);
console.log(
  `lazy chunks: ${lazy.length}, largest: ` +
    lazyBr
      .slice(0, 4)
      .map(([f, n]) => `${f} ${kb(n)}`)
      .join(', '),
);
if (failed) process.exit(1);

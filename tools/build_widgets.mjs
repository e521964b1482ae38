// Build the live explorers' front ends: one esbuild bundle per entry.
//
//   node tools/build_widgets.mjs [OUTDIR]      (default: lib/backprop/widgets/static)
//
// Each entry lib/backprop/widgets/js/<name>.js (an ES module whose default export is
// anywidget's `{ render({ model, el }) }`) becomes OUTDIR/<name>.js with numerics.js,
// ui.js and the d3 modules inlined (format=esm, minified, es2020, no legal comments,
// no source map). The bundles are committed; tests/widgets/test_bundles.py rebuilds
// them into a temporary folder and fails if a shipped one differs. An entry whose
// source is missing (or has no default export yet) is skipped with a note on stderr.
// OUTDIR/LICENSES.txt gets the licence texts of the npm packages inlined into the bundles
// (the bundles keep no comments).
import { build } from "esbuild";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "lib", "backprop", "widgets", "js");
export const ENTRIES = ["exercise", "toy", "graph", "descent", "relu", "deltas", "digits", "autodiff", "depth"];

const outdir = resolve(process.argv[2] ?? join(ROOT, "lib", "backprop", "widgets", "static"));
mkdirSync(outdir, { recursive: true });

const built = [];
const packages = new Set();
for (const name of ENTRIES) {
  const entry = join(SRC, `${name}.js`);
  if (!existsSync(entry)) {
    console.error(`build_widgets: skipped ${name}: no ${entry}`);
    continue;
  }
  if (!/^\s*export\s+default\b/m.test(readFileSync(entry, "utf8"))) {
    console.error(`build_widgets: skipped ${name}: ${entry} has no default export`);
    continue;
  }
  const result = await build({
    metafile: true,
    entryPoints: [entry],
    outfile: join(outdir, `${name}.js`),
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    minify: true,
    target: "es2020",
    legalComments: "none",
    sourcemap: false,
    charset: "utf8",
    logLevel: "warning",
  });
  built.push(name);
  for (const input of Object.keys(result.metafile.inputs)) {
    const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) packages.add(m[1]);
  }
}
const notices = [...packages].sort().map((pkg) => {
  const dir = join(ROOT, "node_modules", pkg);
  const { version, license } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.md", "LICENSE.txt"].find((f) => existsSync(join(dir, f)));
  const text = file ? readFileSync(join(dir, file), "utf8").trim() : `(${license})`;
  return `===== ${pkg} ${version} (${license}) =====\n${text}\n`;
});
if (built.length) {
  writeFileSync(
    join(outdir, "LICENSES.txt"),
    "Third-party code inlined into the explorer bundles (static/*.js) by tools/build_widgets.mjs.\n\n" +
      notices.join("\n"),
  );
}
console.log(`build_widgets: built ${built.length ? built.join(", ") : "nothing"} into ${outdir}`);

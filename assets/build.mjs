// Builds the Bootstrap the site ships (`make assets`): only the CSS rules whose classes the
// templates, the forms and the scripts use, and only the JavaScript components the templates
// call through data-bs-* attributes. The output is committed under static/build/, so running
// the site needs neither npm nor the network; tests/config/test_built_assets.py checks that it
// is up to date.
//
//     node assets/build.mjs [output folder]   (default: static/build)
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { build, transform } from "esbuild";
import fastGlob from "fast-glob";
import { PurgeCSS } from "purgecss";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const OUT = resolve(process.argv[2] ?? join(ROOT, "static", "build"));
const require = (name) => JSON.parse(readFileSync(join(HERE, "node_modules", name, "package.json")));
const BOOTSTRAP = require("bootstrap").version;
const POPPER = require("@popperjs/core").version;

// The Django apps (a folder with an __init__.py), not the tests nor the benchmarks.
const APPS = readdirSync(ROOT, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !["tests", "bench", "assets"].includes(entry.name))
  .filter((entry) => existsSync(join(ROOT, entry.name, "__init__.py")))
  .map((entry) => entry.name);

// What the pages are made of. The e-mails and the closeout PDF carry their own styles.
const TEMPLATES = ["templates/**/*.html", ...APPS.map((app) => `${app}/templates/**/*.html`)];
const SCRIPTS = ["static/js/**/*.js", ...APPS.map((app) => `${app}/static/**/*.js`)];
const PYTHON = APPS.map((app) => `${app}/**/*.py`);
const SKIPPED = ["templates/emails/**", "templates/reports/closeout.html", "**/migrations/**"];

// data-bs-toggle / data-bs-dismiss / … value → the component that answers it.
const COMPONENTS = {
  "toggle=button": "button",
  "toggle=collapse": "collapse",
  "toggle=dropdown": "dropdown",
  "toggle=list": "tab",
  "toggle=modal": "modal",
  "toggle=offcanvas": "offcanvas",
  "toggle=pill": "tab",
  "toggle=popover": "popover",
  "toggle=tab": "tab",
  "toggle=tooltip": "tooltip",
  "dismiss=alert": "alert",
  "dismiss=modal": "modal",
  "dismiss=offcanvas": "offcanvas",
  "dismiss=toast": "toast",
  "ride=carousel": "carousel",
  "spy=scroll": "scrollspy",
};
const DATA_BS = /data-bs-(toggle|dismiss|ride|spy)=["']([a-z]+)["']/g;

const glob = async (patterns, ignore) => (await fastGlob(patterns, { cwd: ROOT, ignore })).sort();

const templates = await glob(TEMPLATES, SKIPPED);
const components = new Set();
for (const file of templates) {
  for (const [, kind, value] of readFileSync(join(ROOT, file), "utf8").matchAll(DATA_BS)) {
    const component = COMPONENTS[`${kind}=${value}`];
    if (!component) throw new Error(`${file}: data-bs-${kind}="${value}" is not a Bootstrap component`);
    components.add(component);
  }
}
const used = [...components].sort();

// JavaScript: the components, each registering its data-bs-* handlers on import, and on
// window.bootstrap as the full bundle does. Popper comes with the dropdown.
const names = Object.fromEntries(used.map((name) => [name, name[0].toUpperCase() + name.slice(1)]));
names.scrollspy = "ScrollSpy";
const entry = [
  ...used.map((name) => `import ${names[name]} from "bootstrap/js/src/${name}.js";`),
  `window.bootstrap = { ${used.map((name) => names[name]).join(", ")} };`,
].join("\n");
const bundle = async (minify) =>
  (
    await build({
      stdin: { contents: entry, resolveDir: HERE, loader: "js" },
      bundle: true,
      format: "iife",
      target: "es2019",
      minify,
      legalComments: "none",
      write: false,
    })
  ).outputFiles[0].text;
const withPopper = used.some((name) => ["dropdown", "popover", "tooltip"].includes(name));
const banner = [
  `/*! Bootstrap v${BOOTSTRAP} (https://getbootstrap.com/), MIT License (LICENSE-bootstrap): ${used.join(", ")}`,
  withPopper ? ` * @popperjs/core v${POPPER} (https://popper.js.org/), MIT License (LICENSE-popper)` : null,
  " * Built by `make assets` (assets/build.mjs): do not edit. */",
]
  .filter(Boolean)
  .join("\n");
const javascript = `${banner}\n${(await bundle(true)).trim()}\n`;

// CSS: Bootstrap's rules for the classes written in the templates, the Python that renders
// widgets and charts, the site's scripts and the components bundled above (the classes they
// toggle: show, collapsing, dropdown-menu-end…). Bootstrap's CSS variables all stay.
const python = await glob(PYTHON, SKIPPED);
const scripts = await glob(SCRIPTS, SKIPPED);
const sources = [...templates, ...python, ...scripts].map((file) => ({
  raw: readFileSync(join(ROOT, file), "utf8"),
  extension: file.split(".").pop(),
}));
sources.push({ raw: await bundle(false), extension: "js" });
const [purged] = await new PurgeCSS().purge({
  content: sources,
  css: [{ raw: readFileSync(join(HERE, "node_modules/bootstrap/dist/css/bootstrap.css"), "utf8") }],
  keyframes: true,
  fontFace: true,
  variables: false,
  safelist: {
    // Set by the dropdown's script (Popper) on the menu it places.
    greedy: [/data-bs-popper/],
  },
});
const minified = await transform(purged.css, { loader: "css", minify: true, legalComments: "none" });
const css = `${banner}\n${minified.code.trim()}\n`;

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, "bootstrap.css"), css);
writeFileSync(join(OUT, "bootstrap.js"), javascript);
writeFileSync(join(OUT, "LICENSE-bootstrap"), readFileSync(join(HERE, "node_modules/bootstrap/LICENSE")));
if (withPopper) {
  writeFileSync(join(OUT, "LICENSE-popper"), readFileSync(join(HERE, "node_modules/@popperjs/core/LICENSE.md")));
}
console.log(
  `${relative(ROOT, OUT)}: bootstrap.css ${(css.length / 1024).toFixed(1)} KB, ` +
    `bootstrap.js ${(javascript.length / 1024).toFixed(1)} KB (${used.join(", ")})`,
);

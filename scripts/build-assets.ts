/**
 * Completes public/, the Workers static assets directory (`[assets]` in wrangler.toml), with
 * the vendored browser files: Swagger UI and uPlot, copied from node_modules into
 * public/docs/vendor/ and public/pages/vendor/ (git-ignored), so the pages work offline and
 * under a strict CSP without a CDN. Then checks that every file in public/ is reachable:
 * under one of STATIC_ROUTES, where no API route lives, and of a type the asset router knows. `npm start`, the tests,
 * the benches and the deploy scripts run it first (docs/deployment.md, "Static assets").
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { isStaticPath, STATIC_ROUTES } from "./lib/static-routes.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the asset router serves from: `public/pages/poll.js` is `/pages/poll.js`. */
export const ASSETS_DIR = join(ROOT, "public");

/** Files the asset router reads as its own configuration, never served. */
const ROUTER_FILES = new Set(["/_headers", "/_redirects"]);

/** The extensions public/ may hold: each gets its Content-Type from the asset router. */
const SERVED_EXTENSIONS = new Set([".js", ".css", ".svg", ".ico"]);

/** Vendored packages, straight from node_modules, by the path they are served at. */
function vendoredFiles(): Array<{ path: string; file: string }> {
  const require = createRequire(import.meta.url);
  const swaggerUi = dirname(require.resolve("swagger-ui-dist/package.json"));
  const uplot = join(dirname(require.resolve("uplot/package.json")), "dist");
  return [
    { path: "/docs/vendor/swagger-ui-bundle.js", file: join(swaggerUi, "swagger-ui-bundle.js") },
    { path: "/docs/vendor/swagger-ui.css", file: join(swaggerUi, "swagger-ui.css") },
    { path: "/pages/vendor/uPlot.iife.min.js", file: join(uplot, "uPlot.iife.min.js") },
    { path: "/pages/vendor/uPlot.min.css", file: join(uplot, "uPlot.min.css") },
  ];
}

/** Every file the asset router would serve, as URL paths (dotfiles are never uploaded). */
export function assetPaths(): string[] {
  return readdirSync(ASSETS_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith("."))
    .map((entry) => `/${relative(ASSETS_DIR, join(entry.parentPath, entry.name)).split("\\").join("/")}`)
    .filter((path) => !ROUTER_FILES.has(path))
    .sort();
}

/**
 * The test runs build at once, beside servers reading public/: a file already in place is left
 * alone (an unchanged file wakes no `wrangler dev` watcher), and a new one appears whole, by
 * rename, never half-copied.
 */
export function copyUnlessSame(file: string, target: string): void {
  const wanted = readFileSync(file);
  const present = (() => {
    try {
      return readFileSync(target);
    } catch {
      return undefined;
    }
  })();
  if (present?.equals(wanted)) return;
  // A dotfile: assetPaths() (another run's check, running now) and the asset upload skip it.
  const partial = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  writeFileSync(partial, wanted);
  renameSync(partial, target);
}

/** Synchronous, so `buildWorker()` (scripts/lib/local-worker.ts) can run it before bundling. */
export function buildAssets(): void {
  for (const { path, file } of vendoredFiles()) {
    const target = join(ASSETS_DIR, path);
    mkdirSync(dirname(target), { recursive: true });
    copyUnlessSame(file, target);
  }
  for (const path of assetPaths()) {
    if (!isStaticPath(path)) {
      throw new Error(`public${path} is outside ${STATIC_ROUTES.join(", ")}: the worker answers that path.`);
    }
    if (!SERVED_EXTENSIONS.has(extname(path))) {
      throw new Error(`public${path}: not one of the served types (${[...SERVED_EXTENSIONS].join(", ")}).`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildAssets();
  console.log(`static assets ready in ${relative(ROOT, ASSETS_DIR)}/`);
}

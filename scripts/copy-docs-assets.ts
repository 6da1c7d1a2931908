/**
 * Copies Swagger UI's prebuilt files from node_modules into the worker's static assets.
 * Run before dev, tests and deploy; the copies are git-ignored.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const FILES = ["swagger-ui-bundle.js", "swagger-ui.css"];

export async function copyDocsAssets(): Promise<void> {
  const require = createRequire(import.meta.url);
  const source = dirname(require.resolve("swagger-ui-dist/package.json"));
  const target = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "docs", "vendor");
  await mkdir(target, { recursive: true });
  await Promise.all(FILES.map((file) => copyFile(join(source, file), join(target, file))));
  await copyPagesAssets(require);
}

/** uPlot, the pages' one charting library (~50 KB), bundled the same way: no CDN, works offline. */
async function copyPagesAssets(require: NodeRequire): Promise<void> {
  const source = join(dirname(require.resolve("uplot/package.json")), "dist");
  const target = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "pages", "vendor");
  await mkdir(target, { recursive: true });
  await Promise.all(
    ["uPlot.iife.min.js", "uPlot.min.css"].map((file) => copyFile(join(source, file), join(target, file))),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await copyDocsAssets();
  console.log("docs assets copied to public/docs/vendor");
}

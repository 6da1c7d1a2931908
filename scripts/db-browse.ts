/**
 * `npm run db:studio` / `npm run db:psql`: browse the database `npm start` is using — the
 * embedded one (whose address changes per start; dev.ts leaves it in .data/database-url while
 * it runs) or DATABASE_URL when set.
 *
 * - studio: Drizzle Studio (drizzle-kit). Its server runs here, but its page is loaded from
 *   https://local.drizzle.studio, so it needs the internet.
 * - psql: PostgreSQL's terminal client, if installed: works offline (`\dt`, `\d notes`, SQL).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DATABASE_URL_FILE } from "./lib/local-database-url.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tool = process.argv[2] === "psql" ? "psql" : "studio";

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (existsSync(DATABASE_URL_FILE)) return readFileSync(DATABASE_URL_FILE, "utf8").trim();
  console.error(
    "[devhub] no database to browse: start it with `npm start` (or set DATABASE_URL), then run this again.",
  );
  process.exit(1);
}

const url = databaseUrl();
if (tool === "psql") {
  const psql = ["/usr/bin/psql", "/usr/local/bin/psql"].find((path) => existsSync(path)) ?? "psql";
  const child = spawn(psql, [url], { stdio: "inherit" });
  child.on("error", () => {
    console.error(
      "[devhub] psql is not installed (apt-get install postgresql-client); try `npm run db:studio`.",
    );
    process.exit(1);
  });
  child.on("exit", (code) => process.exit(code ?? 0));
} else {
  console.log(
    "[devhub] Drizzle Studio: its page comes from https://local.drizzle.studio and needs the internet.\n" +
      "         Offline, `npm run db:psql` browses the same database in the terminal.",
  );
  const child = spawn(join(root, "node_modules", ".bin", "drizzle-kit"), ["studio"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
  child.on("exit", (code) => process.exit(code ?? 0));
}

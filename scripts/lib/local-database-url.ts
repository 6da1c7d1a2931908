/**
 * Where `npm start` leaves the address of the database it is using while it runs, so
 * `npm run db:studio` / `db:psql` find the embedded database's per-start port.
 */
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const DATABASE_URL_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  ".data",
  "database-url",
);

/** Mode 600: a DATABASE_URL from the shell may carry a real password. */
export function publishDatabaseUrl(url: string): void {
  writeFileSync(DATABASE_URL_FILE, `${url}\n`, { mode: 0o600 });
}

export function withdrawDatabaseUrl(): void {
  rmSync(DATABASE_URL_FILE, { force: true });
}

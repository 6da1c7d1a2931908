/**
 * `npm start`'s secrets file: written on a fresh checkout whether or not the environment
 * brings its own JWT_SECRET, and a generated secret is kept for the next start.
 */
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeDevSecrets } from "../../scripts/lib/dev-secrets.ts";

const GIVEN_SECRET = "container-given-jwt-secret-0123456789abcdef";
let checkout: string | undefined;

async function freshDataDir(): Promise<string> {
  checkout = await mkdtemp(join(tmpdir(), "devhub-checkout-"));
  return join(checkout, ".data");
}

afterEach(async () => {
  if (checkout) await rm(checkout, { recursive: true, force: true });
});

describe("npm start's secrets file", () => {
  it("is written on a fresh checkout started with its own JWT_SECRET (no data folder yet)", async () => {
    const dataDir = await freshDataDir();
    const file = await writeDevSecrets(dataDir, { JWT_SECRET: GIVEN_SECRET, GITHUB_TOKEN: "ghp_x" });
    expect(file).toBe(join(dataDir, "dev-secrets.env"));
    expect(await readFile(file, "utf8")).toBe(`JWT_SECRET="${GIVEN_SECRET}"\nGITHUB_TOKEN="ghp_x"\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("generates a secret once on a fresh checkout and reuses it", async () => {
    const dataDir = await freshDataDir();
    const first = await readFile(await writeDevSecrets(dataDir, {}), "utf8");
    const second = await readFile(await writeDevSecrets(dataDir, {}), "utf8");
    expect(first).toMatch(/^JWT_SECRET="[\w-]{43}"\n$/);
    expect(second).toBe(first);
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchDocument } from "../helpers/openapi-document.ts";

/**
 * A standard linter's view of the document: Redocly CLI's `recommended` ruleset, run on
 * the document the worker serves. Telemetry and the update check are off, so it runs the
 * same offline (CI, a plane) as online.
 */
interface LintProblem {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: Array<{ pointer?: string }>;
}

function lint(document: unknown): { problems: LintProblem[]; totals: { errors: number; warnings: number } } {
  const dir = mkdtempSync(join(tmpdir(), "devhub-openapi-lint-"));
  try {
    const file = join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(document));
    const result = spawnSync(
      join(process.cwd(), "node_modules", ".bin", "redocly"),
      ["lint", "--extends", "recommended", "--format", "json", file],
      {
        encoding: "utf8",
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        timeout: 60_000,
      },
    );
    const output = result.stdout.slice(result.stdout.indexOf("{"));
    if (!output) throw new Error(`redocly printed no report (exit ${result.status}): ${result.stderr}`);
    return JSON.parse(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("OpenAPI document under a standard linter", () => {
  it("has no errors under Redocly's recommended rules", async () => {
    const report = lint(await fetchDocument());
    const errors = report.problems
      .filter((problem) => problem.severity === "error")
      .map((problem) => `${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`);
    const warnings = report.problems.filter((problem) => problem.severity === "warn").map((p) => p.ruleId);
    console.log(`redocly lint --extends recommended: ${errors.length} errors, ${warnings.length} warnings`, [
      ...new Set(warnings),
    ]);
    expect(errors).toEqual([]);
  });

  it("reports errors when there are some (the linter really runs)", () => {
    const report = lint({
      openapi: "3.1.0",
      info: { title: "x", version: "1" },
      paths: { "/x": { get: {} } },
    });
    expect(report.totals.errors).toBeGreaterThan(0);
  });
});

import { inject } from "vitest";
import { type LocalWorker, startLocalWorker } from "../../../scripts/lib/local-worker.ts";

/** The deployable bundle in workerd, on the run's database and GitHub upstream, for the fuzz suites. */
export function startFuzzWorker(): Promise<LocalWorker> {
  return startLocalWorker({
    databaseUrl: inject("databaseUrl"),
    githubApiUrl: inject("githubApiUrl"),
    scriptPath: inject("workerBundle"),
    bindings: {
      JWT_SECRET: "fuzz-only-jwt-secret-0123456789abcdef",
      LOG_LEVEL: "error",
      STATS_FLUSH_MS: "0",
    },
  });
}

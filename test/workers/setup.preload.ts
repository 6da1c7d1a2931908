// Runs before each workers file (vitest setupFiles): see test/helpers/preload-lazy-modules.ts.
import { LAZY_MODULES } from "../helpers/preload-lazy-modules.ts";

await Promise.all(Object.values(LAZY_MODULES).map((load) => load()));

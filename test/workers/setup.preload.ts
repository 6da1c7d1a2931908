// Runs before each workers file (vitest setupFiles): see test/helpers/preload-lazy-modules.ts.
import { preloadLazyModules } from "../helpers/preload-lazy-modules.ts";

await preloadLazyModules();

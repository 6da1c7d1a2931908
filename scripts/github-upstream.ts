/** `node scripts/github-upstream.ts [port]`: the local GitHub stand-in on its own. */
import { startGithubUpstream } from "./lib/github-upstream.ts";

const upstream = await startGithubUpstream(Number(process.argv[2] ?? 0));
console.log(`local GitHub upstream on ${upstream.url}`);

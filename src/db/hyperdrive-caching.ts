/**
 * Whether the HYPERDRIVE binding's config caches query results: `disabled`, the policy of
 * src/db/cache-policy.ts. scripts/provision.ts creates the config from this value
 * (`--caching-disabled`), and test/workers/cache-policy.test.ts runs its read-your-writes
 * flows through the Hyperdrive cache emulation set this way, so the policy, what is
 * provisioned and what is tested cannot drift apart. Kept free of imports for the scripts.
 */
export const HYPERDRIVE_QUERY_CACHING: "disabled" | "on" = "disabled";

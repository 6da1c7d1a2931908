/**
 * The Drizzle schema: the single source for both queries and `drizzle-kit generate`.
 * Tables are added by the issue that needs them; each change gets a committed migration.
 */
export {};

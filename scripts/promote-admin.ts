/**
 * `npm run admin:promote -- <email>`: gives an existing account the admin role
 * (bootstrap for deployments where ADMIN_EMAILS was not set before the first signup).
 */
import pg from "pg";

const email = process.argv[2]?.trim().normalize("NFC").toLowerCase();
const url = process.env.DATABASE_URL;
if (!email || !url) {
  console.error("usage: DATABASE_URL=postgres://… npm run admin:promote -- <email>");
  process.exit(2);
}
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const result = await client.query(
    "UPDATE users SET role = 'admin', updated_at = now() WHERE email = $1 RETURNING id",
    [email],
  );
  if (result.rowCount === 0) {
    console.error(`no account with email ${email}`);
    process.exitCode = 1;
  } else {
    console.log(`${email} is now an admin (new access tokens carry the role)`);
  }
} finally {
  await client.end();
}

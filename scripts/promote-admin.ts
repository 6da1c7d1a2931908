/**
 * `npm run admin:promote -- <email>`: gives an existing account the admin role. The only way
 * to make an admin: it needs the database (DATABASE_URL), which only the operator holds, so a
 * registration can never claim the role by naming an address. Register the account first.
 */
import pg from "pg";
import { canonicalEmail, isAsciiEmail } from "../src/auth/email.ts";

const typed = process.argv[2]?.trim();
const url = process.env.DATABASE_URL;
if (!typed || !url) {
  console.error("usage: DATABASE_URL=postgres://… npm run admin:promote -- <email>");
  process.exit(2);
}
if (!isAsciiEmail(typed)) {
  console.error("no account can have that address: addresses are ASCII only");
  process.exit(1);
}
const email = canonicalEmail(typed);
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

import { z } from "@hono/zod-openapi";
import { canonicalEmail, isAsciiEmail, NON_ASCII_EMAIL_MESSAGE } from "../../auth/email.ts";
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordMentionsEmail,
  passwordPolicyViolation,
} from "../../auth/password-policy.ts";
import { API_KEY_SCOPES } from "../../auth/scopes.ts";
import { storableDateTime } from "../../lib/datetime.ts";
import { codePointLength, trimmedText } from "../../lib/schemas.ts";

/** Control, format (bidi overrides, zero-width) and unassigned characters have no place in a name. */
const UNSAFE_NAME_CHARS = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;

/**
 * The addresses the server takes are a subset of what `format: email` allows (no quoted local
 * parts, IP literals or single-label domains), so the document states the pattern as well.
 */
export const EmailSchema = z
  .string()
  .max(254)
  .trim()
  .refine(isAsciiEmail, { message: NON_ASCII_EMAIL_MESSAGE })
  .transform(canonicalEmail)
  .pipe(z.email({ message: "Must be a valid email address." }))
  .openapi({ example: "ada@example.com", format: "email", maxLength: 254, pattern: z.regexes.email.source });

/**
 * The upper limit is the password policy's, in its unit (code points), so the message, the
 * check and the document's `maxLength` all say 128. A longer password can match no account
 * (registration never accepted one), so login refuses it as input too. The rest of the
 * policy applies only when a password is chosen (`NewPasswordSchema`, at registration).
 */
export const PasswordSchema = z
  .string()
  .min(1, { message: "Must not be empty." })
  .refine((password) => codePointLength(password) <= PASSWORD_MAX_LENGTH, {
    message: `Must be at most ${PASSWORD_MAX_LENGTH} characters.`,
  })
  .openapi({
    example: "correct horse battery staple",
    format: "password",
    minLength: 1,
    maxLength: PASSWORD_MAX_LENGTH,
  });

/**
 * A password being chosen (registration): the length in the document, and the rest of the
 * policy (password-policy.ts) as one message naming the rule that failed.
 */
export const NewPasswordSchema = z
  .string()
  .refine((password) => codePointLength(password) <= PASSWORD_MAX_LENGTH, {
    message: `Must be at most ${PASSWORD_MAX_LENGTH} characters.`,
    abort: true,
  })
  .superRefine((password, ctx) => {
    const violation = passwordPolicyViolation(password);
    if (violation) ctx.addIssue({ code: "custom", message: violation });
  })
  .openapi({
    example: "correct horse battery staple",
    format: "password",
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description:
      `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters (NFKC; spaces welcome but not counted ` +
      "toward the minimum). Refused: control characters, fewer than 5 different characters, runs " +
      "such as `abcdefgh`, the 1,000 most common passwords, the service's name, and the account's " +
      "email address or its local part.",
  });

export const DisplayNameSchema = trimmedText(100)
  .refine((name) => !UNSAFE_NAME_CHARS.test(name), {
    message: "Must not contain control or invisible characters.",
  })
  .openapi({ example: "Ada Lovelace", minLength: 1, maxLength: 100, pattern: "\\S" });

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.string().openapi({ format: "email" }),
    display_name: z.string(),
    role: z.enum(["user", "admin"]),
    disabled: z.boolean(),
    created_at: z.iso.datetime(),
  })
  .openapi("User");

export const UserListSchema = z
  .object({
    items: z.array(UserSchema),
    next_cursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page." }),
  })
  .openapi("UserList");

export const TokenResponseSchema = z
  .object({
    token_type: z.literal("Bearer"),
    access_token: z.string().openapi({ description: "HS256 JWT; send as `Authorization: Bearer …`." }),
    expires_in: z.number().int().openapi({ description: "Access token lifetime in seconds.", example: 900 }),
    refresh_token: z.string().openapi({ description: "Opaque; single use. Exchange at /auth/refresh." }),
    refresh_expires_in: z.number().int(),
    user: UserSchema,
  })
  .openapi("TokenResponse");

export const RegisterBodySchema = z
  .strictObject({ email: EmailSchema, password: NewPasswordSchema, display_name: DisplayNameSchema })
  .superRefine(({ email, password }, ctx) => {
    if (passwordMentionsEmail(password, email)) {
      ctx.addIssue({
        code: "custom",
        path: ["password"],
        message: "Must not contain the account's email address or its local part.",
      });
    }
  })
  .openapi("RegisterRequest");

export const LoginBodySchema = z
  .strictObject({ email: EmailSchema, password: PasswordSchema })
  .openapi("LoginRequest");

export const RefreshBodySchema = z
  .strictObject({ refresh_token: z.string().min(1).max(256).openapi({ minLength: 1, maxLength: 256 }) })
  .openapi("RefreshRequest");

const ScopeSchema = z.enum(API_KEY_SCOPES).openapi("ApiKeyScope");

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ example: "dh_a1B2c3D" }),
    scopes: z.array(ScopeSchema),
    created_at: z.iso.datetime(),
    expires_at: z.iso.datetime().nullable(),
    last_used_at: z.iso.datetime().nullable().openapi({ description: "Refreshed at most once a minute." }),
    last_used_ip: z
      .string()
      .nullable()
      .openapi({ description: "The client address of the last use, as the logs record it." }),
    rotated_at: z.iso.datetime().nullable(),
    requests_last_day: z
      .number()
      .int()
      .openapi({ description: "Requests made with the key in the current hour and the 23 before it." }),
  })
  .openapi("ApiKey");

export const ApiKeyListSchema = z.object({ items: z.array(ApiKeySchema) }).openapi("ApiKeyList");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The key itself. Shown only in this response; store it now." }),
}).openapi("CreatedApiKey");

export const CreateApiKeyBodySchema = z
  .strictObject({
    name: DisplayNameSchema,
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(API_KEY_SCOPES.length * 2)
      .openapi({ description: "What the key may do; at least one. Admin powers never reach a key." }),
    expires_at: storableDateTime()
      .optional()
      .refine((value) => value === undefined || Date.parse(value) > Date.now(), {
        message: "Must be in the future.",
      })
      .openapi({ example: "2027-01-01T00:00:00Z" }),
  })
  .openapi("CreateApiKeyRequest");

/** The shapes clients see: inferred from the published schemas, never restated. */
export type User = z.infer<typeof UserSchema>;
export type TokenResponse = z.infer<typeof TokenResponseSchema>;
export type ApiKey = z.infer<typeof ApiKeySchema>;
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

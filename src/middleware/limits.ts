import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { type PolicyName, RATE_LIMIT_POLICY } from "../rate-limit/policy.ts";
import { type Charge, spend, withSlot } from "../rate-limit/spend.ts";

/** Reads the subject of an entry whose `per` the request alone does not give (an email in the body). */
export type SubjectReader = (c: Context<AppEnv>) => Promise<string | undefined> | string | undefined;

/** One entry of the policy table as a route declares it. */
export interface Meter {
  name: PolicyName;
  /** Required when the entry's `per` is not address, account, account or address, or service. */
  subject?: SubjectReader;
  /** Charged only when this query parameter is sent non-empty (`GET /notes?q=`). */
  whenQuery?: string;
}
export type Limit = PolicyName | Meter;

/** What the OpenAPI document says about each declared limit (`x-rate-limits` on the operation). */
export interface DeclaredLimit {
  name: PolicyName;
  per: string;
  charged: string;
  when?: string;
}

/** An entry charged to a subject a route reads from the request, e.g. `keyedBy("register_account", email)`. */
export const keyedBy = (name: PolicyName, subject: SubjectReader): Meter => ({ name, subject });
/** Entries charged only when `param` is in the query string, e.g. `onlyWithQuery("q", "search")`. */
export const onlyWithQuery = (param: string, ...names: PolicyName[]): Meter[] =>
  names.map((name) => ({ name, whenQuery: param }));

/** The subject a meter charges, or undefined when it does not apply to this request. */
async function subjectOf(c: Context<AppEnv>, meter: Meter): Promise<string | undefined> {
  if (meter.subject) return meter.subject(c);
  const caller = c.get("caller");
  switch (RATE_LIMIT_POLICY[meter.name].per) {
    case "address":
      return c.get("client").key;
    case "account":
      return caller?.userId;
    case "account or address":
      return caller ? `user:${caller.userId}` : `ip:${c.get("client").key}`;
    default:
      return "service";
  }
}

const READ_FROM_REQUEST = new Set(["address", "account", "account or address", "service"]);

/**
 * Declares rate limits on a route: spread into `createRoute` through `routeOptions({ limits })`
 * (route-options.ts), it puts the middleware on the route and the declaration in the document
 * (`x-rate-limits`; the 429 and the RateLimit headers are declared over the whole document,
 * rate-limit/openapi.ts). How each entry is charged comes from the policy table:
 * - `request`: before the handler runs;
 * - `failure`: checked before, spent when the response is a 401 (failed logins);
 * - `concurrently`: a slot held while the handler runs;
 * - `upstream`: spent by the GitHub client before each call it actually makes, through
 *   `c.var.spendUpstream`, so a cache hit costs nothing.
 * Route middleware runs before the validators, so a request with bad input is charged too.
 *
 * @example createRoute({ ...routeOptions({ access: optionallyAuthed, limits: ["vote"] }), … })
 */
export function limits(...declared: Limit[]) {
  const meters = declared.map((item): Meter => (typeof item === "string" ? { name: item } : item));
  for (const meter of meters) {
    const per = RATE_LIMIT_POLICY[meter.name].per;
    if (!meter.subject && !READ_FROM_REQUEST.has(per)) {
      throw new Error(`Rate limit ${meter.name} is per ${per}: declare it with keyedBy(name, reader)`);
    }
  }
  const by = (charged: string) => meters.filter((meter) => RATE_LIMIT_POLICY[meter.name].charged === charged);
  const [onRequest, onFailure, onUpstream, concurrent] = [
    "request",
    "failure",
    "upstream",
    "concurrently",
  ].map(by);

  const charges = async (c: Context<AppEnv>, list: Meter[] = []): Promise<Charge[]> => {
    const applying = list.filter((meter) => !meter.whenQuery || Boolean(c.req.query(meter.whenQuery)));
    const subjects = await Promise.all(applying.map((meter) => subjectOf(c, meter)));
    return applying.flatMap((meter, i) =>
      subjects[i] === undefined ? [] : [[meter.name, subjects[i]] as const],
    );
  };

  const middleware: MiddlewareHandler<AppEnv> = async function limitsMiddleware(c, next) {
    await spend(c, await charges(c, onRequest));
    const failures = await charges(c, onFailure);
    await spend(c, failures, "peek");
    const upstream = await charges(c, onUpstream);
    if (upstream.length > 0) {
      // Per client first: a client over its own budget must not draw from the shared one.
      const ordered = [...upstream].sort(([a], [b]) => Number(isShared(a)) - Number(isShared(b)));
      c.set("spendUpstream", async () => {
        for (const charge of ordered) await spend(c, [charge]);
      });
    }
    const slots = await charges(c, concurrent);
    // Slots are held for the handler; a lease lasts a search statement's budget plus 5 s.
    const leaseMs = c.get("config").searchStatementTimeoutMs + 5_000;
    const run = slots.reduce<() => Promise<void>>(
      (inner, [name, subject]) =>
        () =>
          withSlot(c, name, subject, leaseMs, inner),
      () => next(),
    );
    await run();
    // A failed login spends the failure budgets; their own 429 changes nothing (it is a 401 already).
    if (failures.length > 0 && c.res.status === 401) await spend(c, failures).catch(() => undefined);
  };

  const documented: DeclaredLimit[] = meters.map((meter) => {
    const { per, charged } = RATE_LIMIT_POLICY[meter.name];
    return {
      name: meter.name,
      per,
      charged,
      ...(meter.whenQuery ? { when: `query ${meter.whenQuery}` } : {}),
    };
  });
  return { middleware, documented };
}

const isShared = (name: PolicyName) => RATE_LIMIT_POLICY[name].per === "service";

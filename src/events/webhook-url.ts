import type { AppConfig } from "../config.ts";

/**
 * Which webhook URLs may be called (SSRF guard). A Worker cannot resolve a name itself (no DNS
 * API, and DNS-over-HTTPS would add a dependency and a race: the name could resolve elsewhere
 * at delivery), so the guard decides on the URL alone, at creation *and* again before every
 * attempt: literal IP addresses in loopback, private, link-local (cloud metadata), CGNAT,
 * unspecified, multicast or reserved ranges are refused, as are names that only ever mean an
 * internal host (`localhost`, `*.local`, `*.internal`, `metadata.google.internal`…), single-label
 * names, and IPv4 written in any non-dotted form. A public name that resolves to a private
 * address is stopped by the platform: a deployed Worker's `fetch` leaves through Cloudflare's
 * network and cannot reach private address space. Redirects are never followed.
 */
export interface WebhookUrlPolicy {
  /** Only `https:` (always true in staging and production). */
  requireHttps: boolean;
  /** Allows a loopback host (and then `http:`): `WEBHOOK_ALLOW_LOOPBACK` outside deployment. */
  allowLoopback: boolean;
}

const INTERNAL_NAMES = [
  /^localhost$/,
  /\.localhost$/,
  /\.local$/,
  /\.internal$/,
  /\.intranet$/,
  /\.lan$/,
  /\.home\.arpa$/,
];

function ipv4Octets(host: string): number[] | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part))) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function isLoopbackV4([a]: number[]): boolean {
  return a === 127;
}

/** Not a public unicast IPv4 address. */
function isInternalV4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 || // this network, private, loopback, multicast/reserved
    (a === 100 && b >= 64 && b <= 127) || // CGNAT
    (a === 169 && b === 254) || // link-local, cloud metadata (169.254.169.254)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments, 192.0.0.0/24 and 192.0.2.0/24
    (a === 198 && (b === 18 || b === 19)) // benchmarking
  );
}

/** Expands an IPv6 literal (URL hostnames keep the brackets) to its eight hextets. */
function ipv6Hextets(literal: string): number[] | undefined {
  let text = literal.slice(1, -1).toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const octets = ipv4Octets(dotted[1]);
    if (!octets) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part ? part.split(":").map((h) => Number.parseInt(h, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...new Array(Math.max(fill, 0)).fill(0), ...right];
  return all.length === 8 && all.every((h) => Number.isInteger(h) && h >= 0 && h <= 0xffff) ? all : undefined;
}

function classifyV6(hextets: number[]): "loopback" | "internal" | "public" {
  const [h0 = 0, , , , , h5 = 0, h6 = 0, h7 = 0] = hextets;
  const zeroPrefix = hextets.slice(0, 5).every((h) => h === 0);
  if (zeroPrefix && h5 === 0 && h6 === 0 && h7 === 1) return "loopback";
  if (zeroPrefix && h5 === 0 && h6 === 0 && h7 === 0) return "internal"; // ::
  // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address it carries.
  if (zeroPrefix && h5 === 0xffff) {
    const v4 = [h6 >> 8, h6 & 0xff, h7 >> 8, h7 & 0xff];
    return isLoopbackV4(v4) ? "loopback" : isInternalV4(v4) ? "internal" : "public";
  }
  if ((h0 & 0xfe00) === 0xfc00) return "internal"; // unique local fc00::/7
  if ((h0 & 0xffc0) === 0xfe80) return "internal"; // link-local fe80::/10
  if ((h0 & 0xff00) === 0xff00) return "internal"; // multicast
  if (h0 === 0x2001 && hextets[1] === 0x0db8) return "internal"; // documentation
  if (h0 === 0x0064 && hextets[1] === 0xff9b) return "internal"; // NAT64 can reach IPv4 internals
  return "public";
}

/** Where the host points, as far as the URL alone tells. */
function classifyHost(host: string): "loopback" | "internal" | "public" {
  if (host.startsWith("[")) {
    const hextets = ipv6Hextets(host);
    return hextets ? classifyV6(hextets) : "internal";
  }
  const octets = ipv4Octets(host);
  if (octets) return isLoopbackV4(octets) ? "loopback" : isInternalV4(octets) ? "internal" : "public";
  // An all-numeric or hex host is an IPv4 address in another notation (0x7f.1, 2130706433).
  if (/^[\d.]+$/.test(host) || /^0x/i.test(host) || /\.0x/i.test(host)) return "internal";
  if (host === "localhost" || host.endsWith(".localhost")) return "loopback";
  if (!host.includes(".") || INTERNAL_NAMES.some((pattern) => pattern.test(host))) return "internal";
  if (host === "metadata.google.internal" || host.endsWith(".metadata")) return "internal";
  return "public";
}

/**
 * Why `raw` may not be a webhook URL, or undefined when it may.
 *
 * @example webhookUrlProblem("https://10.0.0.5/hook", policy) // "…private…"
 */
export function webhookUrlProblem(raw: string, policy: WebhookUrlPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Must be an absolute URL.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Must be an https URL.";
  if (url.username || url.password) return "Must not carry credentials.";
  const where = classifyHost(url.hostname.toLowerCase().replace(/\.$/, ""));
  const loopbackAllowed = where === "loopback" && policy.allowLoopback;
  if (where !== "public" && !loopbackAllowed) {
    return "Must not point at a loopback, private, link-local or metadata address.";
  }
  if (url.protocol !== "https:" && (policy.requireHttps || !loopbackAllowed)) return "Must be an https URL.";
  return undefined;
}

/** The policy in force: https only when deployed; loopback only where the setting allows it. */
export function urlPolicy(config: AppConfig): WebhookUrlPolicy {
  const deployed = config.environment === "staging" || config.environment === "production";
  return { requireHttps: deployed, allowLoopback: config.events.allowLoopback };
}

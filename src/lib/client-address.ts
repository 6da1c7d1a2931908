import type { Context } from "hono";

/** Who is calling, by network address: set once per request on `c.var.client` (rate-limit middleware). */
export interface ClientAddress {
  /** The address as the edge reports it (logs keep it whole), "unknown" or "invalid". */
  ip: string;
  /** What per-address limits and caps are charged to: `clientAddressKey(ip)`. */
  key: string;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The client's address as Cloudflare's edge reports it (`CF-Connecting-IP`; tests set it to act
 * as many clients), and its key. Anything that is not an IPv4/IPv6 literal becomes "invalid":
 * the value reaches logs and limiter keys, so a 20,000-character or control-character header
 * must not pass through. Both are read on first use and kept: liveness and static files never
 * ask, so they pay neither the header read nor the IPv6 parse.
 */
export function clientAddress(c: Context): ClientAddress {
  let ip: string | undefined;
  let key: string | undefined;
  return {
    get ip() {
      ip ??= addressFromHeader(c.req.header("CF-Connecting-IP"));
      return ip;
    },
    get key() {
      key ??= clientAddressKey(this.ip);
      return key;
    },
  };
}

function addressFromHeader(raw: string | undefined): string {
  if (raw === undefined) return "unknown";
  return IPV4.test(raw) || (IPV6.test(raw) && raw.includes(":")) ? raw : "invalid";
}

/**
 * The key that every per-address limit and cap is charged to. An IPv4 address is one key;
 * an IPv6 subscriber is routinely handed a whole /64, so all addresses in one /64 share a
 * key — otherwise rotating through them would give fresh budgets and a fresh vote cap.
 * Input is `clientAddress`'s `ip`; anything that does not parse becomes "invalid".
 */
export function clientAddressKey(ip: string): string {
  if (ip === "unknown" || ip === "invalid") return ip;
  if (!ip.includes(":")) return ipv4(ip) ?? "invalid";
  const hextets = ipv6Hextets(ip);
  if (!hextets) return "invalid";
  // IPv4-mapped (::ffff:a.b.c.d) is the same client as a.b.c.d.
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [high = 0, low = 0] = hextets.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(":")}::/64`;
}

/** Dotted-quad in canonical form (no leading zeros), or undefined when it is not one. */
function ipv4(text: string): string | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255))
    return undefined;
  return parts.map(Number).join(".");
}

/** The eight 16-bit groups of an IPv6 literal (`::` expanded, trailing dotted IPv4 allowed). */
function ipv6Hextets(text: string): number[] | undefined {
  const halves = text.toLowerCase().split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === "" ? [] : half.split(":")));
  const tail = groups[groups.length - 1] ?? [];
  const last = tail[tail.length - 1];
  if (last?.includes(".")) {
    const quad = ipv4(last)?.split(".").map(Number);
    if (!quad) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = quad;
    tail.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const all = groups.flat();
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  const missing = 8 - all.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const [head = [], rest = []] = groups;
  const hextets = halves.length === 1 ? head : [...head, ...Array(missing).fill("0"), ...rest];
  return hextets.map((group) => Number.parseInt(group, 16));
}

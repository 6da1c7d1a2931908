import type { Context } from "hono";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The client's address as Cloudflare's edge reports it; tests set it to act as many clients.
 * Anything that is not an IPv4/IPv6 literal becomes "invalid": the value reaches logs and
 * limiter keys, so a 20,000-character or control-character header must not pass through.
 */
export function clientIp(c: Context): string {
  const raw = c.req.header("CF-Connecting-IP");
  if (raw === undefined) return "unknown";
  return IPV4.test(raw) || (IPV6.test(raw) && raw.includes(":")) ? raw : "invalid";
}

import { describe, expect, it } from "vitest";
import { clientAddressKey } from "../../src/lib/client-address.ts";

/** The key per-address limits are charged to: IPv4 as is, IPv6 reduced to its /64. */
describe("clientAddressKey", () => {
  it("keeps an IPv4 address (canonical form)", () => {
    expect(clientAddressKey("198.51.100.7")).toBe("198.51.100.7");
    expect(clientAddressKey("198.051.100.007")).toBe("198.51.100.7");
  });

  it("reduces a full 8-hextet IPv6 address to its /64", () => {
    expect(clientAddressKey("2001:0db8:0001:0002:0003:0004:0005:0006")).toBe("2001:db8:1:2::/64");
  });

  it("expands :: wherever it is, and ignores case", () => {
    expect(clientAddressKey("2001:DB8:A:B::1")).toBe("2001:db8:a:b::/64");
    expect(clientAddressKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientAddressKey("::1")).toBe("0:0:0:0::/64");
    expect(clientAddressKey("::")).toBe("0:0:0:0::/64");
    expect(clientAddressKey("fe80::")).toBe("fe80:0:0:0::/64");
    expect(clientAddressKey("2001:db8:a:b:c::")).toBe("2001:db8:a:b::/64");
  });

  it("two addresses of one /64 share a key; neighbouring /64s do not", () => {
    const key = clientAddressKey("2001:db8:a:b::1");
    expect(clientAddressKey("2001:db8:a:b:ffff:ffff:ffff:ffff")).toBe(key);
    expect(clientAddressKey("2001:db8:a:c::1")).not.toBe(key);
    expect(clientAddressKey("2001:db8:b:b::1")).not.toBe(key);
  });

  it("treats an IPv4-mapped address as the IPv4 address", () => {
    expect(clientAddressKey("::ffff:1.2.3.4")).toBe("1.2.3.4");
    expect(clientAddressKey("::FFFF:0102:0304")).toBe("1.2.3.4");
    expect(clientAddressKey("0:0:0:0:0:ffff:1.2.3.4")).toBe("1.2.3.4");
  });

  it("maps what does not parse to 'invalid' (one shared bucket), and keeps 'unknown'", () => {
    for (const bad of [
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3",
      "12345::",
      ":1:2:3:4:5:6:7",
      "999.1.1.1",
      "::ffff:1.2.3",
    ])
      expect(clientAddressKey(bad), bad).toBe("invalid");
    expect(clientAddressKey("1:2:3:4:5:6:7::")).toBe("1:2:3:4::/64");
    expect(clientAddressKey("unknown")).toBe("unknown");
    expect(clientAddressKey("invalid")).toBe("invalid");
  });
});

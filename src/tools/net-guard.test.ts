// The SSRF table: which addresses, host names and URLs web_fetch may reach.
import { describe, expect, it } from "vitest";
import {
  blockedHostnameReason,
  classifyAddress,
  isPublicAddress,
  parseIPv4,
  parseIPv6,
  urlRefusal,
} from "./net-guard.ts";

describe("net guard", () => {
  it.each([
    // IPv4 special-purpose ranges, edges included
    ["0.0.0.0", "this network"],
    ["0.255.255.255", "this network"],
    ["10.0.0.1", "private"],
    ["10.255.255.255", "private"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["127.0.0.1", "loopback"],
    ["127.0.0.2", "loopback"],
    ["127.255.255.254", "loopback"],
    ["169.254.169.254", "link-local"],
    ["169.254.0.1", "link-local"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.170", "IETF"],
    ["192.0.2.1", "documentation"],
    ["192.88.99.1", "6to4 relay"],
    ["192.168.1.1", "private"],
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "reserved"],
    // IPv6
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["[::1]", "loopback"],
    ["::ffff:127.0.0.1", "IPv4-mapped form of a loopback"],
    ["::ffff:7f00:1", "IPv4-mapped form of a loopback"],
    ["::FFFF:7F00:0001", "IPv4-mapped form of a loopback"],
    ["::ffff:169.254.169.254", "IPv4-mapped form of a link-local"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped form of a link-local"],
    ["::ffff:10.1.2.3", "IPv4-mapped form of a private"],
    ["::127.0.0.1", "IPv4-compatible"],
    ["::7f00:1", "IPv4-compatible"],
    ["::8.8.8.8", "IPv4-compatible"],
    ["::ffff:0:7f00:1", "IPv4-translated"],
    ["64:ff9b::127.0.0.1", "NAT64 form of a loopback"],
    ["64:ff9b::a9fe:a9fe", "NAT64 form of a link-local"],
    ["64:ff9b:1::1", "NAT64 local-use"],
    ["2002:7f00:1::1", "6to4 form of a loopback"],
    ["2002:a9fe:a9fe::", "6to4 form of a link-local"],
    ["2001::1", "Teredo"],
    ["2001:db8::1", "documentation"],
    ["3fff::1", "documentation"],
    ["fc00::1", "unique local"],
    ["fd00:ec2::254", "unique local"],
    ["fdff:ffff::1", "unique local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["100::1", "reserved"],
    ["5f00::1", "reserved"],
    // Not addresses at all
    ["localhost", "not an IP address"],
    ["1.2.3", "not an IP address"],
    ["01.2.3.4", "not an IP address"],
    ["1.2.3.256", "not an IP address"],
    ["::1::2", "not an IP address"],
    ["1:2:3:4:5:6:7:8:9", "not an IP address"],
  ])("refuses %s (%s)", (address, label) => {
    expect(classifyAddress(address)).toContain(label);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "100.63.255.255",
    "100.128.0.0",
    "172.15.255.255",
    "172.32.0.0",
    "169.253.255.255",
    "192.0.1.1",
    "198.17.255.255",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
    "2002:808:808::1",
    "2001:200::1",
  ])("allows the public address %s", (address) => {
    expect(classifyAddress(address)).toBeNull();
  });

  it("parses IPv4 and IPv6 strictly", () => {
    expect(parseIPv4("192.168.0.1")).toEqual([192, 168, 0, 1]);
    expect(parseIPv4("0x7f.0.0.1")).toBeNull();
    expect(parseIPv6("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(parseIPv6("1:2:3:4:5:6:7:8")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parseIPv6("1:2:3:4:5:6:7::8")).toBeNull();
    expect(parseIPv6("12345::")).toBeNull();
  });

  it.each([
    "localhost",
    "LOCALHOST.",
    "app.localhost",
    "metadata.google.internal",
    "metadata",
    "instance-data",
    "printer.local",
    "db.corp.internal",
    "router.home.arpa",
    "",
  ])("refuses the host name %j", (name) => {
    expect(blockedHostnameReason(name)).not.toBeNull();
  });

  it.each(["example.com", "localhost.example.com", "internal.example.org", "docs.python.org"])(
    "lets %j through to the address check",
    (name) => {
      expect(blockedHostnameReason(name)).toBeNull();
    },
  );

  it.each([
    ["file:///etc/passwd", "only http and https"],
    ["ftp://example.com/x", "only http and https"],
    ["gopher://example.com/", "only http and https"],
    ["https://user:pass@example.com/", "user name or password"],
    ["https://user@example.com/", "user name or password"],
    ["http://127.0.0.1/", "loopback"],
    ["http://127.1/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0x7f000001/", "loopback"],
    ["http://0177.0.0.1/", "loopback"],
    ["http://0.0.0.0:8080/", "this network"],
    ["http://[::1]:3000/", "loopback"],
    ["http://[::ffff:127.0.0.1]/", "IPv4-mapped"],
    ["http://[::ffff:7f00:1]/", "IPv4-mapped"],
    ["http://169.254.169.254/latest/meta-data/", "link-local"],
    ["http://[fd00:ec2::254]/", "unique local"],
    ["http://10.0.0.5/admin", "private"],
    ["http://localhost:18789/", "names this machine"],
    ["http://foo.localhost/", "internal name"],
    ["http://metadata.google.internal/computeMetadata/v1/", "internal name"],
  ])("refuses the URL %s (%s)", (url, reason) => {
    expect(urlRefusal(new URL(url))).toContain(reason);
  });

  it("allows public URLs, and literal IPs that an injected policy allows", () => {
    expect(urlRefusal(new URL("https://example.com/a?b=c"))).toBeNull();
    expect(urlRefusal(new URL("http://8.8.8.8/"))).toBeNull();
    expect(urlRefusal(new URL("http://[2606:4700:4700::1111]/"))).toBeNull();
    const testPolicy = (address: string) => address === "127.0.0.2";
    expect(urlRefusal(new URL("http://127.0.0.2:8080/"), testPolicy)).toBeNull();
    expect(urlRefusal(new URL("http://127.0.0.1:8080/"), testPolicy)).toContain("loopback");
    expect(urlRefusal(new URL("http://8.8.8.8/"), testPolicy)).toContain("not an allowed address");
  });
});

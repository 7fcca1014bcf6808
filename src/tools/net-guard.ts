// SSRF guard for web_fetch: which URLs, host names and IP addresses the agent may reach. Pure
// functions; web-fetch applies them to literal hosts, to every resolved address and on every redirect.

/** Special-purpose IPv4 blocks (IANA registry): nothing here is a public web server. */
const V4_BLOCKS: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "'this network' (0.0.0.0/8)"],
  ["10.0.0.0", 8, "private (10/8)"],
  ["100.64.0.0", 10, "carrier-grade NAT (100.64/10)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (169.254/16, where cloud metadata lives)"],
  ["172.16.0.0", 12, "private (172.16/12)"],
  ["192.0.0.0", 24, "IETF protocol assignments (192.0.0/24)"],
  ["192.0.2.0", 24, "documentation (TEST-NET-1)"],
  ["192.88.99.0", 24, "6to4 relay anycast"],
  ["192.168.0.0", 16, "private (192.168/16)"],
  ["198.18.0.0", 15, "benchmarking (198.18/15)"],
  ["198.51.100.0", 24, "documentation (TEST-NET-2)"],
  ["203.0.113.0", 24, "documentation (TEST-NET-3)"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved (240/4, broadcast)"],
];

/** The four octets of a dotted-quad IPv4 address, or null if `text` is not exactly one. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const octets = parts.map((part) => (/^(0|[1-9]\d{0,2})$/.test(part) ? Number(part) : 256));
  return octets.every((octet) => octet <= 255) ? octets : null;
}

/**
 * The eight 16-bit words of an IPv6 address, or null. Accepts "::" compression, a dotted IPv4
 * tail ("::ffff:127.0.0.1"), surrounding brackets and a zone ("fe80::1%eth0").
 */
export function parseIPv6(text: string): number[] | null {
  let s = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = s.indexOf("%");
  if (zone !== -1) s = s.slice(0, zone);
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const words = (half: string): number[] | null => {
    if (half === "") return [];
    const out: number[] = [];
    const groups = half.split(":");
    for (const [i, group] of groups.entries()) {
      if (i === groups.length - 1 && group.includes(".")) {
        const v4 = parseIPv4(group);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(group)) {
        out.push(Number.parseInt(group, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}

function toUint32(octets: number[]): number {
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

const V4_MASKS = V4_BLOCKS.map(([base, bits, label]) => {
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return { network: (toUint32(parseIPv4(base)!) & mask) >>> 0, mask, label };
});

function classifyV4(octets: number[]): string | null {
  const value = toUint32(octets);
  return V4_MASKS.find(({ network, mask }) => (value & mask) >>> 0 === network)?.label ?? null;
}

function embeddedV4(high: number, low: number): number[] {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}

function classifyV6(w: number[]): string | null {
  const zeros = (from: number, to: number) => w.slice(from, to).every((x) => x === 0);
  const via = (label: string, v4: number[]) => {
    const inner = classifyV4(v4);
    return inner === null ? null : `${label} form of a ${inner} address (${v4.join(".")})`;
  };
  if (zeros(0, 5) && w[5] === 0xffff) return via("IPv4-mapped", embeddedV4(w[6]!, w[7]!));
  if (zeros(0, 8)) return "unspecified (::)";
  if (zeros(0, 7) && w[7] === 1) return "loopback (::1)";
  if (zeros(0, 6)) return "IPv4-compatible (deprecated ::/96)";
  if (zeros(0, 4) && w[4] === 0xffff && w[5] === 0) return "IPv4-translated (::ffff:0:0:0/96)";
  if (w[0] === 0x64 && w[1] === 0xff9b) {
    return zeros(2, 6) ? via("NAT64", embeddedV4(w[6]!, w[7]!)) : "NAT64 local-use (64:ff9b:1::/48)";
  }
  if (w[0] === 0x2002) return via("6to4", embeddedV4(w[1]!, w[2]!));
  if (w[0] === 0x2001 && w[1]! < 0x200) return "IETF protocol assignments incl. Teredo (2001::/23)";
  if (w[0] === 0x2001 && w[1] === 0xdb8) return "documentation (2001:db8::/32)";
  if (w[0] === 0x3fff && w[1]! < 0x1000) return "documentation (3fff::/20)";
  if ((w[0]! & 0xe000) === 0x2000) return null;
  if ((w[0]! & 0xfe00) === 0xfc00) return "unique local, i.e. private (fc00::/7)";
  if ((w[0]! & 0xffc0) === 0xfe80) return "link-local (fe80::/10)";
  if ((w[0]! & 0xffc0) === 0xfec0) return "site-local (fec0::/10)";
  if ((w[0]! & 0xff00) === 0xff00) return "multicast (ff00::/8)";
  return "reserved (outside global unicast 2000::/3)";
}

/**
 * Why `address` (an IPv4 or IPv6 literal) must not be fetched from, e.g. "loopback", or null when
 * it is a public unicast address. Anything that does not parse as an address is refused too.
 */
export function classifyAddress(address: string): string | null {
  const v4 = parseIPv4(address);
  if (v4) return classifyV4(v4);
  const v6 = parseIPv6(address);
  if (v6) return classifyV6(v6);
  return "not an IP address";
}

/** The default policy: true only for public unicast addresses. */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === null;
}

const BLOCKED_NAMES = new Set(["localhost", "ip6-localhost", "ip6-loopback", "metadata", "instance-data"]);
const BLOCKED_SUFFIXES = [".localhost", ".local", ".localdomain", ".internal", ".home.arpa"];

/**
 * Why a host name is refused before any lookup (names that mean "this machine" or an internal
 * network, e.g. localhost, *.localhost, metadata.google.internal), or null. Case and a trailing
 * dot are ignored. Names that pass are still checked on every address they resolve to.
 */
export function blockedHostnameReason(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.+$/, "");
  if (name === "") return "empty host name";
  if (BLOCKED_NAMES.has(name)) return `"${name}" names this machine or its cloud metadata service`;
  const suffix = BLOCKED_SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? `"${name}" is an internal name (*${suffix})` : null;
}

/** The host of a URL without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * Why `url` must not be fetched, or null: only http(s), no credentials in the URL, no internal host
 * names, and a literal IP host must pass `isAllowedAddress` (literal hosts are never looked up, so
 * this is their only check). Contract: pure; never throws.
 */
export function urlRefusal(
  url: URL,
  isAllowedAddress: (address: string) => boolean = isPublicAddress,
): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `only http and https URLs can be fetched, not ${url.protocol.replace(/:$/, "")}:`;
  }
  if (url.username !== "" || url.password !== "")
    return "URLs with a user name or password in them are refused";
  const host = urlHost(url);
  if (parseIPv4(host) || parseIPv6(host)) {
    if (isAllowedAddress(host)) return null;
    return `${host} is ${describeAddress(host)}`;
  }
  return blockedHostnameReason(host);
}

/** "a loopback address", for messages; for addresses refused only by an injected policy, says so. */
export function describeAddress(address: string): string {
  const label = classifyAddress(address);
  return label === null ? "not an allowed address" : `a ${label} address`;
}

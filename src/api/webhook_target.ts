// Webhook targets: which hosts a webhook may be delivered to, so that a bank's
// subscription cannot make the server reach what only the server can (its own
// loopback, the cloud metadata service at 169.254.169.254, the private network
// it runs in) — server-side request forgery.
//
// A target is refused when its address is not a public unicast one: unspecified,
// loopback, private (RFC 1918 and the RFC 6598 shared space), link-local,
// multicast, reserved, documentation, IPv4-mapped or IPv4-embedding IPv6
// (mapped, compatible, NAT64, 6to4, Teredo), unique local (fc00::/7), and any
// IPv6 address outside global unicast (2000::/3). The check is made twice: when
// a subscription is created, on the URL's host if it is an address literal; and
// at every delivery attempt, on every address its name resolves to — the
// connection then goes to the address that was checked (never a second lookup,
// so a name cannot resolve to a public address for the check and a private one
// for the connection). Redirects are not followed (the sender's job).
//
// The operator may allow targets (private deployments, tests): host names
// (matched exactly, whatever they resolve to), addresses and CIDR ranges
// (`10.1.0.0/16`, `fd00::/8`). The default allows nothing beyond public
// addresses.

import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'ipv4_mapped'
  | 'ipv4_embedded'
  | 'unique_local';

type Range = readonly [network: string, prefix: number, cls: AddressClass];

/** IPv4 ranges refused, first match wins (IANA special-purpose registry, RFC 6890). */
const V4_RANGES: readonly Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['169.254.0.0', 16, 'link_local'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['198.18.0.0', 15, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
];

/** IPv6 ranges refused, first match wins; anything outside 2000::/3 is refused as reserved. */
const V6_RANGES: readonly Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::ffff:0:0', 96, 'ipv4_mapped'],
  ['::', 96, 'ipv4_embedded'],
  ['64:ff9b::', 96, 'ipv4_embedded'],
  ['64:ff9b:1::', 48, 'ipv4_embedded'],
  ['2002::', 16, 'ipv4_embedded'],
  ['2001::', 32, 'ipv4_embedded'],
  ['2001:db8::', 32, 'documentation'],
  ['100::', 64, 'reserved'],
  ['fc00::', 7, 'unique_local'],
  ['fe80::', 10, 'link_local'],
  ['fec0::', 10, 'private'],
  ['ff00::', 8, 'multicast'],
];

// One list per range, and each family checked only against its own lists: a
// BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules and back.
const family = (f: 4 | 6): 'ipv4' | 'ipv6' => (f === 4 ? 'ipv4' : 'ipv6');
function listsOf(ranges: readonly Range[], f: 4 | 6): Array<{ list: BlockList; cls: AddressClass }> {
  return ranges.map(([net, prefix, cls]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family(f));
    return { list, cls };
  });
}
const V4_LISTS = listsOf(V4_RANGES, 4);
const V6_LISTS = listsOf(V6_RANGES, 6);
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/** Why an address may not be a webhook target, or null for a public unicast address. */
export function addressClass(address: string): AddressClass | null {
  const f = isIP(address);
  if (f !== 4 && f !== 6) throw new TypeError(`not an IP address: ${address}`);
  const lists = f === 4 ? V4_LISTS : V6_LISTS;
  for (const { list, cls } of lists) if (list.check(address, family(f))) return cls;
  if (f === 6 && !GLOBAL_UNICAST.check(address, 'ipv6')) return 'reserved';
  return null;
}

/** A webhook target refused; `code` is the API's error code for it. */
export class WebhookTargetError extends Error {
  readonly code = 'webhook_target_forbidden';
}

/** The targets the operator allows beyond public addresses. */
export class TargetAllowList {
  private readonly hosts = new Set<string>();
  private readonly nets = { 4: new BlockList(), 6: new BlockList() };
  private nets_any = false;

  /** Entries: host names, IP addresses or CIDR ranges; throws a TypeError naming a malformed one. */
  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const e = raw.trim().toLowerCase();
      if (e === '') continue;
      const [addr = '', prefix] = e.split('/');
      const a = unbracket(addr);
      const f = isIP(a);
      if (f === 4 || f === 6) {
        const bits = prefix === undefined ? (f === 4 ? 32 : 128) : Number(prefix);
        if (!/^\d{1,3}$/.test(prefix ?? '0') || bits > (f === 4 ? 32 : 128)) throw new TypeError(`webhook allow list: bad prefix in ${raw}`);
        this.nets[f].addSubnet(a, bits, family(f));
        this.nets_any = true;
      } else if (prefix === undefined && /^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/.test(e)) {
        this.hosts.add(e.replace(/\.$/, ''));
      } else {
        throw new TypeError(`webhook allow list: not a host name, address or CIDR range: ${raw}`);
      }
    }
  }

  allowsHost(hostname: string): boolean {
    return this.hosts.has(unbracket(hostname).toLowerCase().replace(/\.$/, ''));
  }

  allowsAddress(address: string): boolean {
    const f = isIP(address);
    return this.nets_any && (f === 4 || f === 6) && this.nets[f].check(address, family(f));
  }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Refuses an address unless it is public or allowed; `what` introduces it ("localhost resolves to"). */
function checkAddress(address: string, allow: TargetAllowList, what: string): void {
  const cls = addressClass(address);
  if (cls !== null && !allow.allowsAddress(address)) {
    throw new WebhookTargetError(
      `${what} ${address}, a ${cls.replaceAll('_', '-')} address: webhooks go to public addresses only, unless the operator allows the host`,
    );
  }
}

/** The URL parsed, refused if it is not http(s) or its host is an address literal that may not be a target (the check at registration). */
export function checkTargetUrl(url: string, allow: TargetAllowList): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new WebhookTargetError(`not a URL: ${url.slice(0, 100)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new WebhookTargetError(`webhooks are delivered over http or https, not ${u.protocol}`);
  const host = unbracket(u.hostname);
  if (isIP(host) !== 0 && !allow.allowsHost(host)) checkAddress(host, allow, 'the host is');
  return u;
}

/**
 * The address a delivery connects to: the URL's host if it is an address, else
 * the first address its name resolves to — after every resolved address passed
 * the check (one private answer refuses the name). An allowed name is not checked.
 */
export async function resolveTarget(u: URL, allow: TargetAllowList): Promise<{ address: string; family: 4 | 6 }> {
  const host = unbracket(u.hostname);
  const f = isIP(host);
  if (f === 4 || f === 6) {
    if (!allow.allowsHost(host)) checkAddress(host, allow, 'the host is');
    return { address: host, family: f };
  }
  const answers = await lookup(host, { all: true, verbatim: true });
  if (answers.length === 0) throw new WebhookTargetError(`${host} resolves to no address`);
  if (!allow.allowsHost(host)) for (const a of answers) checkAddress(a.address, allow, `${host} resolves to`);
  const first = answers[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

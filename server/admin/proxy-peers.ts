// Whom to believe when a request names its operator in ADMIN_PROXY_HEADER: only a peer that is
// one of the trusted proxies (TRUST_PROXY), so that a client reaching the server directly
// cannot sign in by sending the header itself.

import { BlockList, isIP } from 'node:net';

/** A test of the connecting peer's address against TRUST_PROXY (true: every peer). */
export function trustedPeers(trustProxy: boolean | string): (address: string | undefined) => boolean {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  const list = new BlockList();
  for (const item of trustProxy.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const [address = '', prefix] = item.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0) continue;
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (address === undefined) return false;
    // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const type = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    return isIP(plain) !== 0 && list.check(plain, type);
  };
}

/**
 * Whether an address is this machine's loopback. Servers bind and the load generator connects
 * only to such addresses unless the user passed --allow-remote: a benchmark must never load a
 * machine on the network by a slip of a flag.
 */
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)$/i;

/** True for 127.x.x.x, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[(.*)\]$/, '$1'));
}

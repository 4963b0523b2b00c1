/**
 * Hosts for a rehearsal on one machine: N network namespaces, each with its own address on a
 * veth pair whose other end sits on a bridge in the root namespace (the bridge holds <net>.1, the
 * server's address; namespace i holds <net>.<10+i>). Like test/netns.test.ts, but N clients and
 * the server in the root namespace. Every name carries a random tag; tearDown removes them all.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const ip = (...args: string[]): string =>
  execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

export interface Hosts {
  /** The server's address, in the root namespace. */
  serverAddress: string;
  namespaces: Array<{ name: string; address: string }>;
  /** Runs a command in namespace i: prefix it with these (`ip netns exec <name>`). */
  prefix(i: number): string[];
  tearDown(): void;
}

/** Null when namespaces can be made here, else why not. */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  try {
    ip('-V');
  } catch {
    return "the 'ip' command (iproute2) is not installed: apt-get install -y iproute2";
  }
  if (process.getuid?.() !== 0) return 'making network namespaces needs root';
  const probe = `wsbp${randomBytes(3).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return null;
  } catch (e) {
    return `ip netns add failed: ${String((e as { stderr?: string }).stderr ?? e).trim()}`;
  }
}

/** Makes `n` namespaces on one bridge; on any failure, removes what it made and throws. */
export function makeHosts(n: number, net = `10.201.${process.pid % 250}`): Hosts {
  const tag = randomBytes(3).toString('hex');
  const bridge = `wsb${tag}br`;
  const namespaces = Array.from({ length: n }, (_, i) => ({
    name: `wsb-shard${i}-${tag}`,
    address: `${net}.${10 + i}`,
  }));
  const tearDown = (): void => {
    for (const ns of namespaces) {
      try {
        ip('netns', 'del', ns.name);
      } catch {
        // not made, or gone already (its veth pair goes with it)
      }
    }
    try {
      ip('link', 'del', bridge);
    } catch {
      // not made
    }
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${net}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    namespaces.forEach((ns, i) => {
      const [host, peer] = [`wsb${tag}h${i}`, `wsb${tag}n${i}`];
      ip('netns', 'add', ns.name);
      ip('link', 'add', host, 'type', 'veth', 'peer', 'name', peer);
      ip('link', 'set', host, 'master', bridge);
      ip('link', 'set', host, 'up');
      ip('link', 'set', peer, 'netns', ns.name);
      ip('-n', ns.name, 'addr', 'add', `${ns.address}/24`, 'dev', peer);
      ip('-n', ns.name, 'link', 'set', peer, 'up');
      ip('-n', ns.name, 'link', 'set', 'lo', 'up');
    });
  } catch (err) {
    tearDown();
    throw err;
  }
  return {
    serverAddress: `${net}.1`,
    namespaces,
    prefix: (i) => ['ip', 'netns', 'exec', namespaces[i].name],
    tearDown,
  };
}

/** Whether any namespace or link of a tag is left (for tests). */
export function leftovers(hosts: Hosts): string[] {
  const names = ip('netns', 'list');
  return hosts.namespaces.filter((ns) => names.includes(ns.name)).map((ns) => ns.name);
}

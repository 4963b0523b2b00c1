/**
 * `wsbench k8s`: the Kubernetes objects of a shard plan. A ConfigMap holds plan.json; an Indexed
 * Job runs one pod per shard (completionMode Indexed: each pod's JOB_COMPLETION_INDEX is its
 * shard), all at once (parallelism = completions = shards), never retried (backoffLimit 0: a
 * rerun shard would start after the barrier), one per node (required pod anti-affinity on the
 * host name), with the CPU and memory a shard needs requested. Each worker prints its result
 * between markers on stdout; `kubectl logs` brings them back to `wsbench gather`.
 */
// Types only (a dev dependency, erased from dist/): tsc checks the objects against the typed
// models of the Kubernetes API, unknown fields included; the test validates them against its schemas.
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IAffinity } from 'kubernetes-models/v1/Affinity';
import type { ShardPlan } from './plan-file.js';
import { shardJob } from './plan-file.js';

export interface K8sOptions {
  image: string;
  namespace?: string;
  /** CPU requested per shard (cores): the load generator's core and the worker's. */
  cpu: number;
}

/** Ephemeral ports of one source address with Linux's default range (32768-60999). */
export const DEFAULT_PORTS = 28_232;

type Obj = Record<string, unknown>;

/** Memory a shard asks for: the worker and load generator, plus about 16 KiB per connection. */
export function shardMemoryMiB(connections: number): number {
  return 256 + Math.ceil(connections / 64);
}

/** Required anti-affinity: no two shards of a plan on one node. */
function onePerNode(id: string): IAffinity {
  const term = { labelSelector: { matchLabels: { 'wsbench/plan': id } }, topologyKey: 'kubernetes.io/hostname' };
  return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
}

export function manifests(plan: ShardPlan, o: K8sOptions): [IConfigMap, IJob] {
  const name = `wsbench-${plan.id}`;
  const labels = { 'app.kubernetes.io/name': 'wsbench-worker', 'wsbench/plan': plan.id };
  const ns = o.namespace ? { namespace: o.namespace } : {};
  const job = shardJob(plan, 0);
  const perShard = 'connections' in job ? job.connections : 0;
  const memory = `${shardMemoryMiB(perShard)}Mi`;
  // More connections than one address has ephemeral ports: widen the pod's range (a namespaced,
  // "safe" sysctl, allowed by default).
  const sysctls =
    perShard > DEFAULT_PORTS
      ? { securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }] } }
      : {};
  const deadline =
    Math.ceil(((plan.holdAt ?? plan.startAt) - Date.now() + plan.options.warmupMs + plan.options.durationMs) / 1000) +
    600;
  const configMap: IConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${name}-plan`, labels, ...ns },
    data: { 'plan.json': `${JSON.stringify(plan, null, 2)}\n` },
  };
  const container: IContainer = {
    name: 'worker',
    image: o.image,
    args: ['--plan', '/plan/plan.json'],
    env: [
      { name: 'WSBENCH_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'WSBENCH_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ],
    // No CPU limit: CFS throttling would pace the load generator, not the server.
    resources: { requests: { cpu: String(o.cpu), memory }, limits: { memory } },
    volumeMounts: [{ name: 'plan', mountPath: '/plan', readOnly: true }],
  };
  const jobObj: IJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels, ...ns },
    spec: {
      completionMode: 'Indexed',
      completions: plan.shards,
      parallelism: plan.shards,
      backoffLimit: 0,
      activeDeadlineSeconds: Math.max(600, deadline),
      // Kept a day after it ends, so that `kubectl logs` still finds the results.
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          affinity: onePerNode(plan.id),
          ...sysctls,
          containers: [container],
          volumes: [{ name: 'plan', configMap: { name: `${name}-plan` } }],
        },
      },
    },
  };
  return [configMap, jobObj];
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function scalar(v: unknown): string {
  if (typeof v === 'string') return PLAIN.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v);
}

/** YAML for plain data (objects, arrays, strings, numbers, booleans); multi-line strings as `|` blocks. */
export function toYaml(v: unknown, indent = ''): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v.map((x) => `\n${indent}- ${toYaml(x, `${indent}  `).replace(/^\n\s*/, '')}`).join('');
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Obj);
    if (entries.length === 0) return '{}';
    return entries
      .map(([k, x]) => {
        if (typeof x === 'string' && x.includes('\n')) {
          const body = x
            .replace(/\n$/, '')
            .split('\n')
            .map((l) => `${indent}  ${l}`)
            .join('\n');
          return `\n${indent}${scalar(k)}: |\n${body}`;
        }
        const inner = toYaml(x, `${indent}  `);
        return `\n${indent}${scalar(k)}:${inner.startsWith('\n') ? '' : ' '}${inner}`;
      })
      .join('');
  }
  return scalar(v);
}

/** The objects as one multi-document YAML file. */
export function renderManifests(objects: object[]): string {
  return objects.map((o) => `---${toYaml(o)}\n`).join('');
}

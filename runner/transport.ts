/**
 * The transport options of a bench, from the command line: frame type (`--frames text|binary`),
 * TLS (`--tls`, `--tls off,on`, `--tls-cert/--tls-key`, `--tls-resume`) and permessage-deflate
 * (`--compression`). Each value of a list becomes a case (crossed with the scenario's own
 * cases), so one report shows, say, plain and TLS side by side. Validated before anything runs.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import type { CaseRef } from './report/schema.js';
import type { Scenario, ScenarioOptions } from '../scenarios/types.js';
import { UsageError } from './errors.js';
import type { RawTransport } from './options.js';
import { formatBytes } from '../scenarios/common.js';
import { NAMED_OFFERS, parseOffer } from './loadgen/deflate-offer.js';
import { DEFAULT_OFFER, offerHeader, type DeflateOffer } from './loadgen/deflate.js';
import { messagesStatement, parseMessages, type MessagesPlan } from './messages.js';

export type Frames = 'text' | 'binary';

/** --frames, --tls, --compression, --deflate-offer, --messages and the TLS files, as typed (declared in options.ts). */
export type { RawTransport };

export interface TransportPlan {
  frames: Frames[];
  tls: boolean[];
  compression: boolean[];
  /** Your own certificate and key (else a throwaway one is made per run). */
  cert?: { certFile: string; keyFile: string };
  /** TLS session resumption after the first connection (off: every handshake is full). */
  resume: boolean;
  /** No transport flag was given: the default suite adds its "production" cases. */
  defaults: boolean;
  /** What the load generator offers with compression, and the name it was given by. */
  deflateOffer: { offer: DeflateOffer; name: string };
  /** `--messages`: the sets (each a case) and their order; absent: built-in payloads. */
  messages?: MessagesPlan;
}

function items(value: string, flag: string): string[] {
  const list = [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  if (list.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return list;
}

function onOff(value: string | boolean | undefined, flag: string): boolean[] {
  if (value === undefined) return [false];
  if (value === true) return [true];
  if (value === false) return [false];
  return items(value, flag).map((v) => {
    if (v === 'on' || v === 'true') return true;
    if (v === 'off' || v === 'false') return false;
    throw new UsageError(`${flag} takes on, off or a list of them (e.g. ${flag} off,on), got '${v}'`);
  });
}

function parseFrames(value: string | undefined): Frames[] {
  if (value === undefined) return ['text'];
  return items(value, '--frames').map((v) => {
    if (v === 'text' || v === 'binary') return v;
    throw new UsageError(`--frames takes text, binary or text,binary, got '${v}'`);
  });
}

function readPem(file: string, flag: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'}): pass a readable PEM file`,
    );
  }
}

/** Fails unless the two files are a PEM certificate and its own private key. */
export function checkCertificate(certFile: string, keyFile: string): void {
  const certPem = readPem(certFile, '--tls-cert');
  const keyPem = readPem(keyFile, '--tls-key');
  let cert: crypto.X509Certificate;
  try {
    cert = new crypto.X509Certificate(certPem);
  } catch {
    throw new UsageError(
      `--tls-cert ${certFile} is not a PEM certificate: pass the certificate file (BEGIN CERTIFICATE)`,
    );
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(keyPem);
  } catch {
    throw new UsageError(
      `--tls-key ${keyFile} is not a PEM private key (unencrypted): pass the key file (BEGIN PRIVATE KEY)`,
    );
  }
  if (!cert.checkPrivateKey(key))
    throw new UsageError(
      `--tls-key ${keyFile} does not match --tls-cert ${certFile}: pass the key the certificate was made for`,
    );
  try {
    tls.createSecureContext({ cert: certPem, key: keyPem });
  } catch (err) {
    throw new UsageError(
      `--tls-cert/--tls-key: node:tls refuses them (${(err as Error).message.split('\n')[0]}): pass another certificate`,
    );
  }
}

function deflateOfferOf(value: string | undefined): { offer: DeflateOffer; name: string } {
  if (value === undefined) return { offer: DEFAULT_OFFER, name: 'browser' };
  try {
    const offer = parseOffer(value);
    const name = Object.keys(NAMED_OFFERS).find((k) => NAMED_OFFERS[k] === offer) ?? 'as given';
    return { offer, name };
  } catch (err) {
    throw new UsageError(`--deflate-offer: ${(err as Error).message}`);
  }
}

export function parseTransport(raw: RawTransport): TransportPlan {
  const frames = parseFrames(raw.frames);
  const tlsValues = onOff(raw.tls, '--tls');
  const compression = onOff(raw.compression, '--compression');
  const usesTls = tlsValues.includes(true);
  if ((raw.tlsCert === undefined) !== (raw.tlsKey === undefined)) {
    throw new UsageError(
      `${raw.tlsCert === undefined ? '--tls-key' : '--tls-cert'} needs ${raw.tlsCert === undefined ? '--tls-cert' : '--tls-key'} too: pass both files`,
    );
  }
  if ((raw.tlsCert !== undefined || raw.tlsResume) && !usesTls) {
    throw new UsageError(
      `${raw.tlsCert !== undefined ? '--tls-cert' : '--tls-resume'} applies only over TLS: add --tls (or --tls off,on)`,
    );
  }
  if (raw.tlsCert !== undefined) checkCertificate(raw.tlsCert, raw.tlsKey!);
  if (raw.deflateOffer !== undefined && !compression.includes(true))
    throw new UsageError('--deflate-offer applies only with compression: add --compression (or --compression off,on)');
  if (raw.messagesOrder !== undefined && raw.messages === undefined)
    throw new UsageError('--messages-order applies only to --messages: add --messages <file>');
  const defaults =
    raw.frames === undefined && raw.tls === undefined && raw.compression === undefined && raw.messages === undefined;
  return {
    deflateOffer: deflateOfferOf(raw.deflateOffer),
    ...(raw.messages !== undefined ? { messages: parseMessages(raw.messages, raw.messagesOrder) } : {}),
    frames,
    tls: tlsValues,
    compression,
    ...(raw.tlsCert !== undefined ? { cert: { certFile: raw.tlsCert, keyFile: raw.tlsKey! } } : {}),
    resume: raw.tlsResume === true,
    defaults,
  };
}

/** The case `c` over one transport: params and a label and id that name it. */
function withTransport(
  scenario: Scenario,
  c: CaseRef,
  frames: Frames,
  tlsOn: boolean,
  compression: boolean,
  production = false,
  messages?: string,
): CaseRef {
  const framed = scenario.transports?.frames === true;
  const label = [
    messages && c.params.payload !== undefined ? withoutSize(c.label, Number(c.params.payload)) : c.label,
    messages ? `messages ${messageLabel(messages)}` : '',
    framed && !messages ? frames : '',
    tlsOn ? 'TLS' : '',
    compression ? (production ? 'deflate where supported' : 'deflate') : '',
  ]
    .filter(Boolean)
    .join(', ');
  const id = [
    c.id,
    messages ? `msgs-${messageLabel(messages).replace(/[^A-Za-z0-9]+/g, '_')}` : '',
    framed && !messages ? frames : '',
    tlsOn ? 'tls' : '',
    compression ? 'deflate' : '',
    production ? 'prod' : '',
  ]
    .filter(Boolean)
    .join('-');
  return {
    id,
    label: production ? `${label} (production)` : label,
    params: {
      ...c.params,
      frames,
      tls: tlsOn,
      compression,
      ...(production ? { production: true } : {}),
      ...(messages ? { messages } : {}),
    },
  };
}

/** A case label without its payload size (the messages' sizes are their own). */
function withoutSize(label: string, payload: number): string {
  return label
    .replace(formatBytes(payload), '')
    .replace(/^[ ,]+|[ ,]+$/g, '')
    .replace(/ ,/g, ',');
}

/** One case per combination of the other parameters: with --messages the payload size is not one. */
function onePerPayload(base: CaseRef[]): CaseRef[] {
  const seen = new Set<string>();
  return base.filter((c) => {
    const { payload: _payload, ...rest } = c.params;
    const key = JSON.stringify(rest);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A message set as a case names it: a built-in's name, a file's base name. */
function messageLabel(source: string): string {
  return source.split('/').pop() ?? source;
}

/**
 * The cases of a scenario crossed with every transport value that applies to it (its declared
 * `transports`), and, for the default suite, its declared production cases (over TLS, compressed
 * where it says so and the library supports it).
 */
export function expandCases(
  scenario: Scenario,
  options: ScenarioOptions,
  base: CaseRef[],
  t: TransportPlan,
): CaseRef[] {
  const frames = scenario.transports?.frames ? t.frames : (['text'] as Frames[]);
  const compression = scenario.transports?.compression ? t.compression : [false];
  const out: CaseRef[] = [];
  const sets: Array<string | undefined> = t.messages && scenario.transports?.messages ? t.messages.sets : [undefined];
  // The messages' sizes are their own: a payload sweep would repeat the same case, so one size is kept.
  const cases = t.messages && scenario.transports?.messages ? onePerPayload(base) : base;
  for (const c of cases)
    for (const m of sets)
      for (const f of m ? (['text'] as Frames[]) : frames)
        for (const on of t.tls) for (const z of compression) out.push(withTransport(scenario, c, f, on, z, false, m));
  if (!t.defaults) return out;
  for (const p of scenario.production?.(options) ?? [])
    out.push(withTransport(scenario, p.case, 'text', true, p.compression, true));
  return out;
}

/** The transport settings of a bench, for report.json's options. */
export function transportOptions(t: TransportPlan): Record<string, string | boolean> {
  return {
    ...(t.compression.includes(true)
      ? { deflateOffer: `${offerHeader(t.deflateOffer.offer)} (${t.deflateOffer.name})` }
      : {}),
    messages: messagesStatement(t.messages, t.compression.includes(true)),
    frames: t.frames.join(','),
    tls: t.tls.map((v) => (v ? 'on' : 'off')).join(','),
    compression: t.compression.map((v) => (v ? 'on' : 'off')).join(','),
    tlsResume: t.resume,
    tlsCertificate: t.cert
      ? `given: ${t.cert.certFile}`
      : 'throwaway self-signed ECDSA P-256, made with the openssl CLI for this bench, deleted after',
    productionCases: t.defaults,
  };
}

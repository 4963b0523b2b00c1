/**
 * The TLS certificate of a bench: yours (--tls-cert/--tls-key), or a throwaway self-signed ECDSA
 * P-256 one made with the openssl CLI into a temporary folder, deleted when the bench ends
 * (or the process exits). A key is never written anywhere else.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodedError } from './errors.js';
import type { TlsJobOptions } from './loadgen/jobs.js';
import type { TransportPlan } from './transport.js';

export interface TlsMaterial {
  certFile: string;
  keyFile: string;
  /** What the load generator needs to trust the server. */
  client: TlsJobOptions;
  /** Removes a throwaway certificate's folder (nothing for yours). */
  dispose(): void;
}

/** Makes a self-signed ECDSA P-256 certificate for localhost and 127.0.0.1, valid 2 days. */
export function generate(): TlsMaterial {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-tls-'));
  const dispose = (): void => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', dispose);
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 },
    );
  } catch (err) {
    dispose();
    const e = err as { code?: string; stderr?: Buffer };
    const why =
      e.code === 'ENOENT'
        ? 'the openssl command is not installed'
        : (e.stderr?.toString().trim().split('\n').pop() ?? String(err));
    throw new CodedError(
      'ETLSCERT',
      `could not make the throwaway TLS certificate (${why}): install openssl, or pass --tls-cert and --tls-key`,
    );
  }
  return {
    certFile,
    keyFile,
    // Verified for real: the client trusts exactly this certificate, checked against localhost.
    client: { ca: fs.readFileSync(certFile, 'utf8'), servername: 'localhost', resume: false },
    dispose,
  };
}

/** The certificate of a bench that has TLS cases. */
export function tlsMaterial(t: TransportPlan): TlsMaterial {
  const m = t.cert
    ? // Yours may not name this host: it is accepted without verification (the run measures, it does not authenticate).
      {
        certFile: path.resolve(t.cert.certFile),
        keyFile: path.resolve(t.cert.keyFile),
        client: { resume: false },
        dispose: () => {},
      }
    : generate();
  m.client.resume = t.resume;
  return m;
}

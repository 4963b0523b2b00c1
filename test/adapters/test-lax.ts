/**
 * Test-only: the lax RFC 6455 server (lax-server.ts): echoes invalid UTF-8 and ignores the mask
 * bit, strict in everything else. For the conformance verdicts' own test.
 */
import { FAIR_SETTINGS, type ServerAdapter } from '../../adapters/types.js';
import { laxServer } from './lax-server.js';

export const adapter: ServerAdapter = {
  settings: { maxPayload: FAIR_SETTINGS.maxPayloadBytes, utf8: 'not validated', masking: 'not required' },
  async start({ host, port }) {
    const server = laxServer(FAIR_SETTINGS.maxPayloadBytes);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address();
    return {
      port: typeof address === 'object' && address ? address.port : port,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};

/** Test-only: see slow-policy.ts (policy `drop`). */
import { policyAdapter } from './slow-policy.js';

export { probe } from './slow-policy.js';
export const adapter = policyAdapter('drop');

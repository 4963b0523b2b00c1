/** Every conformance case, in report order (Autobahn's categories, roughly). */
import { CLOSE_CASES } from './cases-close.js';
import { FRAME_CASES } from './cases-frames.js';
import { HTTP_CASES } from './cases-http.js';
import { MESSAGE_CASES } from './cases-messages.js';
import type { ConformanceCase } from './types.js';

export const CASES: ConformanceCase[] = [...FRAME_CASES, ...MESSAGE_CASES, ...CLOSE_CASES, ...HTTP_CASES];

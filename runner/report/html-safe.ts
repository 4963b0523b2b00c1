/**
 * Escaping by construction for the HTML report: the `html` template tag escapes every
 * interpolated value, so markup can only come from the templates themselves.
 */
import { escapeHtml } from './format.js';

/** Markup that is already safe; the `html` tag inserts it as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function interpolate(v: Interpolation): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(interpolate).join('');
  return escapeHtml(String(v));
}

/** Template tag that escapes every interpolated value unless it is SafeHtml (or a list of it). */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, s, i) => out + s + (i < values.length ? interpolate(values[i]!) : ''), ''));
}

/**
 * JSON for a `<script type="application/json">`: `<`, `>`, `&` and the JS line separators are
 * escaped as \uXXXX so no value can end the element or change how the text parses.
 */
export function jsonForScript(value: unknown): SafeHtml {
  const text = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return new SafeHtml(text);
}

import { ParseError, PayloadTooLarge, ValidationError } from '../errors.ts';

/** Default upper bound for an uploaded diagram. */
export const DEFAULT_MAX_DIAGRAM_BYTES = 5 * 1024 * 1024;

const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i;
/** C0 controls other than tab, line feed and carriage return are not allowed in XML 1.0. */
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks an upload before any XML parser sees it and returns it as text (BOM removed).
 * Throws PayloadTooLarge over `maxBytes`, ParseError for non-UTF-8, empty input, characters XML forbids,
 * and any DOCTYPE or ENTITY declaration (XXE and entity expansion are refused, not disarmed).
 */
export function guardXml(input: string | Buffer, maxBytes: number = DEFAULT_MAX_DIAGRAM_BYTES): string {
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
    throw new ValidationError(`maxBytes must be a positive number, got ${String(maxBytes)}`);
  }
  const text = toText(input, maxBytes);
  if (text.trim() === '') {
    throw new ParseError('The diagram is empty');
  }
  if (DECLARATION.test(text)) {
    throw new ParseError('DOCTYPE and entity declarations are not allowed');
  }
  const forbidden = FORBIDDEN_CHARACTER.exec(text);
  if (forbidden) {
    const code = forbidden[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new ParseError(`The diagram contains a character not allowed in XML (U+${code})`, { offset: forbidden.index });
  }
  return text;
}

function toText(input: string | Buffer, maxBytes: number): string {
  if (typeof input === 'string') {
    // Every UTF-16 code unit needs at least one UTF-8 byte, so the cheap check comes first.
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) {
      throw tooLarge(maxBytes);
    }
    if (LONE_SURROGATE.test(input)) {
      throw new ParseError('The diagram is not valid UTF-8 text');
    }
    return input.startsWith('\uFEFF') ? input.slice(1) : input;
  }
  if (!Buffer.isBuffer(input)) {
    throw new ValidationError('The diagram must be a string or a Buffer');
  }
  if (input.length > maxBytes) {
    throw tooLarge(maxBytes);
  }
  try {
    // fatal: invalid byte sequences throw instead of becoming U+FFFD; the BOM is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new ParseError('The diagram is not valid UTF-8 text');
  }
}

function tooLarge(maxBytes: number): PayloadTooLarge {
  return new PayloadTooLarge(`The diagram is larger than ${maxBytes} bytes`, { maxBytes });
}

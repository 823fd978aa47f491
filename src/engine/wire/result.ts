/**
 * Parse results. Invariant for every wire module: `parse*` never throws on bad bytes;
 * it returns a typed error instead. `emit*` never fails for a valid representation
 * written into a buffer of the advertised length.
 */
export type WireErrorKind = 'truncated' | 'malformed' | 'checksum' | 'unsupported';

export interface WireError {
  readonly kind: WireErrorKind;
  readonly message: string;
  /** Byte offset (relative to the start of the parsed buffer) where the problem was found. */
  readonly offset?: number;
}

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(kind: WireErrorKind, message: string, offset?: number): ParseResult<T> {
  return offset === undefined ? { ok: false, error: { kind, message } } : { ok: false, error: { kind, message, offset } };
}

/**
 * JSON that carries typed arrays: each Float32Array / Float64Array / Int32Array / Uint8Array becomes
 * `{ "$typed": kind, "base64": ... }`. The renderer training engine receives prepared windows and returns model
 * weights this way over the API (HTTP in browser mode), where plain JSON would turn them into huge number lists.
 */
type TypedKind = 'Float32Array' | 'Float64Array' | 'Int32Array' | 'Uint8Array';
type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;

const kindOf = (value: unknown): TypedKind | null => {
  if (value instanceof Float32Array) return 'Float32Array';
  if (value instanceof Float64Array) return 'Float64Array';
  if (value instanceof Int32Array) return 'Int32Array';
  if (value instanceof Uint8Array) return 'Uint8Array';
  return null;
};

const CHUNK = 0x8000;

const toBase64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + CHUNK)));
  }
  return btoa(binary);
};

const fromBase64 = (text: string): Uint8Array => {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

const make = (kind: TypedKind, bytes: Uint8Array): Typed => {
  // A fresh, aligned buffer: the decoded bytes may not start at a multiple of the element size.
  const buffer = bytes.slice().buffer;
  switch (kind) {
    case 'Float32Array':
      return new Float32Array(buffer);
    case 'Float64Array':
      return new Float64Array(buffer);
    case 'Int32Array':
      return new Int32Array(buffer);
    case 'Uint8Array':
      return new Uint8Array(buffer);
  }
};

export const encodeTypedJson = (value: unknown): string =>
  JSON.stringify(value, (_key: string, plain: unknown) => {
    // Typed arrays have no toJSON, so the value arrives unchanged; anything else is passed on as JSON gave it.
    const kind = kindOf(plain);
    if (kind === null) return plain;
    const typed = plain as Typed;
    return { $typed: kind, base64: toBase64(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength)) };
  });

export const decodeTypedJson = <T>(text: string): T =>
  JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && '$typed' in value && 'base64' in value) {
      const { $typed, base64 } = value as { $typed: TypedKind; base64: string };
      return make($typed, fromBase64(base64));
    }
    return value;
  }) as T;

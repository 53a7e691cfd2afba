/**
 * The text encoding of a file, from its first bytes: a byte-order mark names it; otherwise UTF-8 when the bytes
 * are valid UTF-8, else Latin-1 with a warning (the usual encoding of old Windows exports). Encodings DuckDB's
 * reader cannot read (UTF-32, UTF-16 big-endian) are refused by name instead of being misread.
 */
export type TextEncodingName = 'utf-8' | 'utf-16' | 'latin-1';

export interface DecodedSample {
  readonly encoding: TextEncodingName;
  /** The sample as text, without a byte-order mark. */
  readonly text: string;
  readonly warnings: readonly string[];
}

const startsWith = (head: Buffer, bytes: readonly number[]): boolean => bytes.every((b, i) => head[i] === b);

/** Valid UTF-8 up to a character cut at the end of the sample. */
const isUtf8 = (head: Buffer): boolean => {
  for (let cut = 0; cut < 4 && cut <= head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // A multi-byte character cut by the sample's end: try without its first bytes.
    }
  }
  return false;
};

export const decodeSample = (file: string, head: Buffer): DecodedSample => {
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00]) || startsWith(head, [0x00, 0x00, 0xfe, 0xff])) {
    throw new Error(`${file}: the file is UTF-32 text, which the importer does not read; save it as UTF-8`);
  }
  if (startsWith(head, [0xfe, 0xff])) {
    throw new Error(`${file}: the file is UTF-16 big-endian text, which the importer does not read; save it as UTF-8`);
  }
  if (startsWith(head, [0xff, 0xfe])) {
    return { encoding: 'utf-16', text: head.subarray(2).toString('utf16le'), warnings: [] };
  }
  if (startsWith(head, [0xef, 0xbb, 0xbf]))
    return { encoding: 'utf-8', text: head.subarray(3).toString('utf8'), warnings: [] };
  // Every second byte zero: UTF-16 without a byte-order mark.
  const zeros = head.subarray(0, 512).filter((b) => b === 0).length;
  if (zeros > Math.min(head.length, 512) / 4) {
    throw new Error(
      `${file}: the file looks like UTF-16 text without a byte-order mark (or is not text); save it as UTF-8`,
    );
  }
  if (isUtf8(head)) return { encoding: 'utf-8', text: head.toString('utf8'), warnings: [] };
  return {
    encoding: 'latin-1',
    text: head.toString('latin1'),
    warnings: [
      'the file is not UTF-8 text: it is read as Latin-1 (ISO 8859-1); check names such as "°C" in the preview',
    ],
  };
};

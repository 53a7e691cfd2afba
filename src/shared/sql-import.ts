import { z } from 'zod';

/**
 * A PostgreSQL historian import as the API takes it. The query is SQL text with $1 = from and $2 = to
 * (timestamptz); `long` rows are (time, tag, value[, quality][, asset]), `wide` rows a time column plus one
 * column per tag. Times in µs since the epoch, like every other API time; `from` omitted continues from the
 * checkpoint of the last import of the same query ("update to now").
 */
export const SqlImportRequestSchema = z.object({
  url: z
    .string()
    .trim()
    .max(1000)
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL'),
  /** Omitted: the saved password of `profile`, else none (the URL's or the server's trust rules). */
  password: z.string().max(500).optional(),
  /** A saved PostgreSQL connection profile whose password to use when `password` is omitted. */
  profile: z.string().max(100).optional(),
  query: z.string().trim().min(1).max(100_000),
  layout: z.enum(['long', 'wide']).default('long'),
  from: z.number().optional(),
  to: z.number().optional(),
  /** Look-back into time imported before, for values a historian forwards late (ms; default 1 hour, 0: none). */
  overlapMs: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400_000)
    .optional(),
  /** Asset for tags without an asset column; default: the database name. */
  asset: z.string().trim().min(1).max(200).optional(),
});
export type SqlImportRequest = z.infer<typeof SqlImportRequestSchema>;

import { z } from 'zod';
import { TimeKindSchema } from './domain.js';

/**
 * Schemas for events (failures, work orders, inspections, labels) and historian connections as the views see
 * them. Event times are in the unit of the asset's signals: µs since the epoch, or cycles.
 */
export const EventKindSchema = z.enum(['failure', 'maintenance', 'inspection', 'anomaly', 'note']);
export type EventKind = z.infer<typeof EventKindSchema>;

export const WorkspaceEventSchema = z.object({
  id: z.number().int(),
  asset: z.string(),
  kind: EventKindSchema,
  start: z.number(),
  /** null: a point event (drawn as a line). */
  end: z.number().nullable(),
  timeKind: TimeKindSchema,
  code: z.string().nullable(),
  description: z.string().nullable(),
  /** "manual" for events added in the app, "cmms:<file>" for imported work orders. */
  source: z.string(),
});
export type WorkspaceEvent = z.infer<typeof WorkspaceEventSchema>;

export const EventEditSchema = z
  .object({
    /** Omitted: add a new event. */
    id: z.number().int().nonnegative().optional(),
    asset: z.string().trim().min(1).max(200),
    kind: EventKindSchema,
    start: z.number(),
    end: z.number().nullable().optional(),
    code: z.string().max(100).nullable().optional(),
    description: z.string().max(2000).nullable().optional(),
  })
  .refine((e) => e.end === undefined || e.end === null || e.end >= e.start, {
    message: 'end is before start',
    path: ['end'],
  });
export type EventEdit = z.infer<typeof EventEditSchema>;

export const EventsImportResultSchema = z.object({
  file: z.string(),
  events: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  /** CMMS asset name -> workspace asset. */
  assets: z.record(z.string(), z.string()),
  unmatchedAssets: z.array(z.string()),
});
export type EventsImportResult = z.infer<typeof EventsImportResultSchema>;

export const SecurityModeSchema = z.enum(['None', 'Sign', 'SignAndEncrypt']);
export const SecurityPolicySchema = z.enum(['None', 'Basic256Sha256']);

/** How to reach an OPC UA server. A password is sent only to connect; a saved profile's one stays in main. */
export const OpcuaConnectSchema = z.object({
  endpoint: z.string().trim().startsWith('opc.tcp://').max(500),
  securityMode: SecurityModeSchema,
  securityPolicy: SecurityPolicySchema,
  userName: z.string().max(200).optional(),
  password: z.string().max(500).optional(),
  /** Use the saved password of this profile when `password` is omitted. */
  profile: z.string().max(100).optional(),
  /** Answer to the trust prompt: trust an unknown server certificate for this connection or from now on. */
  trustServer: z.enum(['once', 'always']).optional(),
});
export type OpcuaConnect = z.infer<typeof OpcuaConnectSchema>;

export const OpcuaTagSchema = z.object({
  nodeId: z.string(),
  name: z.string(),
  asset: z.string().nullable(),
  unit: z.string().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  historizing: z.boolean(),
});
export type OpcuaTagInfo = z.infer<typeof OpcuaTagSchema>;

/** A saved connection as the views see it: never the password, only whether one is saved. */
export const ConnectionProfileSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('opcua'),
    name: z.string(),
    endpoint: z.string(),
    securityMode: SecurityModeSchema,
    securityPolicy: SecurityPolicySchema,
    userName: z.string().nullable(),
    hasPassword: z.boolean(),
  }),
  z.object({ kind: z.literal('postgres'), name: z.string(), url: z.string(), hasPassword: z.boolean() }),
]);
export type ConnectionProfileView = z.infer<typeof ConnectionProfileSchema>;

export const SaveConnectionProfileSchema = z.object({
  name: z.string().trim().min(1).max(100),
  endpoint: z.string().trim().startsWith('opc.tcp://').max(500),
  securityMode: SecurityModeSchema,
  securityPolicy: SecurityPolicySchema,
  userName: z.string().max(200).nullable().optional(),
  /** Omitted: keep the password already saved under this name (if the user name is unchanged). */
  password: z.string().max(500).optional(),
});

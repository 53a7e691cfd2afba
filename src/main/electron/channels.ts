import type { ApiMethodName } from '../../shared/api.js';

/**
 * IPC channel names shared by the main process (ipc.ts) and the preload (bundled by esbuild).
 * Pure TypeScript: no 'electron', no Node, so the preload bundle and the unit tests can import it.
 */
export const CHANNEL_PREFIX = 'pdm:';

/** main → renderer: one ApiEvent per message. */
export const EVENT_CHANNEL = 'pdm:event';

/** renderer → main: one invoke channel per API method. */
export const channelFor = (method: ApiMethodName): string => `${CHANNEL_PREFIX}${method}`;

/** renderer → main, desktop only (chart images): not part of the API contract, never forwarded to the core. */
export const COPY_IMAGE_CHANNEL = 'pdm-desktop:copy-image';
export const SAVE_IMAGE_CHANNEL = 'pdm-desktop:save-image';

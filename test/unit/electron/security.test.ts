import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  externalUrlToOpen,
  isAppUrl,
  withContentSecurityPolicy,
} from '../../../src/main/electron/security.js';
import { createFileLog, redactSecrets } from '../../../src/main/electron/log.js';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const INDEX = 'file:///opt/pdm/dist/renderer/index.html';
/** What every response of the desktop window carries: our CSP, and cross-origin isolation for wasm threads. */
const OWN = {
  'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
  'Cross-Origin-Opener-Policy': ['same-origin'],
  'Cross-Origin-Embedder-Policy': ['require-corp'],
  'Cross-Origin-Resource-Policy': ['cross-origin'],
};

describe('content security policy', () => {
  it('is strict', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
    );
    expect(Object.fromEntries(directives)).toEqual({
      'default-src': "'self'",
      'script-src': "'self' 'wasm-unsafe-eval'",
      'worker-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data: blob:",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
  });

  it('replaces whatever CSP a response carried and keeps other headers', () => {
    const headers = withContentSecurityPolicy({
      'content-security-policy': ['default-src *'],
      'Content-Type': ['text/html'],
    });
    expect(headers).toEqual({ 'Content-Type': ['text/html'], ...OWN });
    expect(withContentSecurityPolicy(undefined)).toEqual(OWN);
    // A response's own isolation headers are replaced too, whatever their case.
    expect(withContentSecurityPolicy({ 'cross-origin-embedder-policy': ['unsafe-none'] })).toEqual(OWN);
  });
});

describe('navigation policy', () => {
  it('accepts only our own index.html', () => {
    expect(isAppUrl(INDEX, INDEX)).toBe(true);
    expect(isAppUrl(`${INDEX}#/trend`, INDEX)).toBe(true);
    expect(isAppUrl(`${INDEX}?x=1`, INDEX)).toBe(true);
    expect(isAppUrl('file:///opt/pdm/dist/renderer/other.html', INDEX)).toBe(false);
    expect(isAppUrl('file:///etc/passwd', INDEX)).toBe(false);
    expect(isAppUrl('https://example.com/', INDEX)).toBe(false);
    expect(isAppUrl('javascript:alert(1)', INDEX)).toBe(false);
    expect(isAppUrl('not a url', INDEX)).toBe(false);
  });

  it('hands only https links to the system browser', () => {
    expect(externalUrlToOpen('https://www.nasa.gov/intelligent-systems-division')).toBe(
      'https://www.nasa.gov/intelligent-systems-division',
    );
    expect(externalUrlToOpen('http://example.com')).toBeNull();
    expect(externalUrlToOpen('file:///etc/passwd')).toBeNull();
    expect(externalUrlToOpen('javascript:alert(1)')).toBeNull();
    expect(externalUrlToOpen('smb://share/x')).toBeNull();
    expect(externalUrlToOpen('https://user:pw@example.com/')).toBeNull();
  });
});

describe('the desktop log', () => {
  it('scrubs tokens and passwords', () => {
    expect(redactSecrets('serving http://127.0.0.1:5173/#token=abc123def')).toBe(
      'serving http://127.0.0.1:5173/#token=[redacted]',
    );
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.x.y')).not.toMatch(/eyJ/);
    expect(redactSecrets('opc.tcp://operator:s3cret@plc:4840')).toBe('opc.tcp://operator:[redacted]@plc:4840');
    expect(redactSecrets('{"password":"hunter2"}')).not.toMatch(/hunter2/);
    expect(redactSecrets('opened /data/ws')).toBe('opened /data/ws');
  });

  it('appends JSON lines to userData/logs/pdm-studio.jsonl, secrets scrubbed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pdm-log-'));
    try {
      const log = createFileLog(join(dir, 'logs'));
      expect(log.file).toBe(join(dir, 'logs', 'pdm-studio.jsonl'));
      log.info('hello');
      log.error('ipc failed', new Error('boom token=xyz'));
      const text = await readFile(log.file, 'utf8');
      const lines = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ level: 'info', area: 'desktop', event: 'hello' });
      expect(lines[1]).toMatchObject({
        level: 'error',
        area: 'desktop',
        event: 'ipc failed',
        fields: { error: { name: 'Error', message: 'boom token=[redacted]' } },
      });
      expect(text).not.toContain('xyz');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

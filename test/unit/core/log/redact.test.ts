import { describe, expect, it } from 'vitest';
import { REDACTED, isSecretKey, redactText, redactValue } from '../../../../src/main/core/log/redact.js';

describe('log redaction by key name', () => {
  it('replaces the values of secret keys whatever their case or spelling', () => {
    const safe = redactValue({
      password: 'hunter2',
      plainPassword: 'hunter2',
      Authorization: 'Bearer abc.def',
      token: 'pdm_x',
      apiKey: 'k-123',
      api_key: 'k-123',
      clientSecret: 's',
      connectionString: 'Server=db;User Id=sa;Password=Pa55;',
      cookie: 'sid=1',
      nested: { deeper: [{ passwd: 'p' }, { pwd: 'p' }] },
      user: 'operator',
      endpoint: 'opc.tcp://plc:4840',
    });
    expect(JSON.stringify(safe)).not.toMatch(/hunter2|abc\.def|pdm_x|k-123|Pa55|sid=1|"p"/);
    expect(safe).toMatchObject({
      password: REDACTED,
      Authorization: REDACTED,
      nested: { deeper: [{ passwd: REDACTED }, { pwd: REDACTED }] },
      user: 'operator',
      endpoint: 'opc.tcp://plc:4840',
    });
  });

  it('keeps booleans and nulls under secret keys (hasPassword says nothing secret)', () => {
    expect(redactValue({ hasPassword: true, password: null })).toEqual({ hasPassword: true, password: null });
    expect(isSecretKey('tokenSha256')).toBe(true);
    expect(isSecretKey('tags')).toBe(false);
    expect(isSecretKey('passes')).toBe(false);
  });

  it('errors become name, message and stack, each scrubbed', () => {
    const error = new Error('login failed for postgres://reader:s3cret@db:5432/plant');
    const safe = redactValue({ error }) as { error: { name: string; message: string; stack: string } };
    expect(safe.error.name).toBe('Error');
    expect(safe.error.message).toBe('login failed for postgres://reader:[redacted]@db:5432/plant');
    expect(safe.error.stack).not.toContain('s3cret');
  });
});

describe('log redaction by pattern', () => {
  it.each([
    ['serving http://127.0.0.1:5173/#token=abc123def', 'serving http://127.0.0.1:5173/#token=[redacted]'],
    ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: [redacted]'],
    ['header bearer eyJhbGciOi.x.y sent', 'header bearer [redacted] sent'],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: [redacted]'],
    ['opc.tcp://operator:s3cret@plc:4840', 'opc.tcp://operator:[redacted]@plc:4840'],
    ['postgresql://reader:p%40ss@db/plant?sslmode=require', 'postgresql://reader:[redacted]@db/plant?sslmode=require'],
    ['host=db user=reader password=s3cret dbname=plant', 'host=db user=reader password=[redacted] dbname=plant'],
    ['Server=db;User Id=sa;Password=Pa55;', 'Server=db;User Id=sa;Password=[redacted];'],
    ['{"password":"hunter2","user":"x"}', '{"password":"[redacted]","user":"x"}'],
    ['token pdm_AbCdEfGhIjKlMnOpQrStUvWx0123 issued', 'token [redacted] issued'],
    ['opened /data/ws', 'opened /data/ws'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('removes a PEM private key block', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----';
    expect(redactText(`key: ${pem} end`)).toBe('key: [redacted] end');
  });
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type ClientSession,
  type UserIdentityInfo,
} from 'node-opcua';
import { log } from '../../log/logger.js';

export type SecurityModeName = 'None' | 'Sign' | 'SignAndEncrypt';
export type SecurityPolicyName = 'None' | 'Basic256Sha256';

export interface OpcuaConnectionOptions {
  readonly endpoint: string;
  readonly securityMode: SecurityModeName;
  readonly securityPolicy: SecurityPolicyName;
  /** Omitted: anonymous. The password lives only in memory here (profiles store it encrypted). */
  readonly user?: { readonly userName: string; readonly password: string } | undefined;
  /** Folder of the app's own files: the client certificate is created in `<dir>/pki` on first use. */
  readonly userDataDir: string;
  /**
   * Trust a server certificate not yet in the trust list: true (or 'always') adds it there; 'once' trusts it for
   * this connection only (it goes back to the rejected list). Default false.
   */
  readonly trustServerCertificate?: boolean | 'always' | 'once';
  /** Milliseconds to wait for the TCP connection and each request. */
  readonly timeoutMs?: number;
}

export interface OpcuaConnection {
  readonly session: ClientSession;
  readonly endpoint: string;
  /** Close the session and the connection; never throws. */
  close(): Promise<void>;
  /** True once the connection broke (the server went away). */
  readonly lost: () => boolean;
}

const MODES: Record<SecurityModeName, MessageSecurityMode> = {
  None: MessageSecurityMode.None,
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};
const POLICIES: Record<SecurityPolicyName, SecurityPolicy> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
};

export type ConnectFailure = 'unreachable' | 'login' | 'untrusted-certificate' | 'security' | 'other';

/** A connection that failed, with the cause as a code the app can act on (e.g. ask to trust a certificate). */
export class OpcuaConnectError extends Error {
  constructor(
    message: string,
    readonly reason: ConnectFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OpcuaConnectError';
  }
}

/** Turn node-opcua's connection and session errors into one sentence naming the cause. */
export const explainConnectError = (
  endpoint: string,
  error: unknown,
  options: { readonly pkiDir: string; readonly user?: string },
): OpcuaConnectError => {
  const text = error instanceof Error ? error.message : String(error);
  const has = (pattern: RegExp) => pattern.test(text);
  let message: string;
  let reason: ConnectFailure = 'other';
  if (has(/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timeout|Timeout/)) reason = 'unreachable';
  else if (has(/BadUserAccessDenied|BadIdentityToken/) || has(/Cannot find ANONYMOUS user token/i)) reason = 'login';
  else if (has(/BadCertificateUntrusted|BadSecurityChecksFailed|certificate.*(untrusted|rejected)|BadCertificate/i))
    reason = 'untrusted-certificate';
  else if (has(/cannot find endpoint|endpoint.*not.*found|BadSecurityPolicyRejected|BadSecurityModeRejected/i))
    reason = 'security';
  if (has(/ECONNREFUSED/))
    message = `cannot reach ${endpoint}: connection refused (is the server running, and is the port right?)`;
  else if (has(/ENOTFOUND|EAI_AGAIN/)) message = `cannot reach ${endpoint}: unknown host name`;
  else if (has(/ETIMEDOUT|timeout|Timeout/)) message = `cannot reach ${endpoint}: no answer in time`;
  else if (has(/BadUserAccessDenied|BadIdentityTokenRejected/)) {
    message = `${endpoint} rejected the login of user "${options.user ?? ''}": wrong user name or password`;
  } else if (
    (has(/BadIdentityTokenInvalid/) || has(/Cannot find ANONYMOUS user token/i)) &&
    options.user === undefined
  ) {
    message = `${endpoint} does not allow anonymous access: give a user name and password`;
  } else if (has(/BadIdentityTokenInvalid/)) message = `${endpoint} does not accept user name and password login`;
  else if (has(/BadCertificateUntrusted|BadSecurityChecksFailed|certificate.*(untrusted|rejected)|BadCertificate/i)) {
    message =
      `the certificate of ${endpoint} is not trusted: check it, then connect once with "trust server certificate" ` +
      `(CLI: --trust-server) or move it from ${join(options.pkiDir, 'rejected')} to ${join(options.pkiDir, 'trusted', 'certs')}`;
  } else if (has(/cannot find endpoint|endpoint.*not.*found|BadSecurityPolicyRejected|BadSecurityModeRejected/i)) {
    message = `${endpoint} does not offer the requested security mode and policy`;
  } else message = `cannot connect to ${endpoint}: ${text.split('\n')[0] ?? text}`;
  return new OpcuaConnectError(message, reason, { cause: error });
};

/** Connect and open a session: no automatic retry, so an unreachable server fails fast with a clear message. */
export const connectOpcua = async (options: OpcuaConnectionOptions): Promise<OpcuaConnection> => {
  if (!/^opc\.tcp:\/\//.test(options.endpoint))
    throw new Error(`not an OPC UA endpoint URL (opc.tcp://host:port): ${options.endpoint}`);
  if ((options.securityMode === 'None') !== (options.securityPolicy === 'None')) {
    throw new Error('security mode None goes with policy None; Sign and SignAndEncrypt need Basic256Sha256');
  }
  const pkiDir = join(options.userDataDir, 'pki');
  const certificateManager = new OPCUACertificateManager({
    rootFolder: pkiDir,
    automaticallyAcceptUnknownCertificate:
      options.trustServerCertificate !== undefined && options.trustServerCertificate !== false,
  });
  const trustedDir = join(pkiDir, 'trusted', 'certs');
  const trustedFiles = async () => new Set(await readdir(trustedDir).catch(() => [] as string[]));
  const timeout = options.timeoutMs ?? 10_000;
  const client = OPCUAClient.create({
    applicationName: 'PdM Studio',
    applicationUri: 'urn:pdm-studio:client',
    clientCertificateManager: certificateManager,
    securityMode: MODES[options.securityMode],
    securityPolicy: POLICIES[options.securityPolicy],
    endpointMustExist: false,
    keepSessionAlive: true,
    requestedSessionTimeout: 60_000,
    defaultTransactionTimeout: Math.max(timeout, 60_000),
    transportTimeout: timeout,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  let lost = false;
  client.on('connection_lost', () => {
    lost = true;
  });
  client.on('close', () => {
    lost = true;
  });
  // Who connected where, never with what password: the log names the user only.
  const logFields = {
    endpoint: options.endpoint,
    securityMode: options.securityMode,
    securityPolicy: options.securityPolicy,
    user: options.user?.userName ?? null,
  };
  const explain = (error: unknown) => {
    const explained = explainConnectError(options.endpoint, error, {
      pkiDir,
      ...(options.user ? { user: options.user.userName } : {}),
    });
    log.warn('historian', 'opcua connect failed', {
      ...logFields,
      reason: explained.reason,
      message: explained.message,
    });
    return explained;
  };
  let trustedBefore = new Set<string>();
  try {
    await certificateManager.initialize();
    trustedBefore = await trustedFiles();
    await client.connect(options.endpoint);
  } catch (error) {
    await client.disconnect().catch(() => undefined);
    throw explain(error);
  }
  const identity: UserIdentityInfo = options.user
    ? { type: UserTokenType.UserName, userName: options.user.userName, password: options.user.password }
    : { type: UserTokenType.Anonymous };
  let session: ClientSession;
  try {
    session = await client.createSession(identity);
  } catch (error) {
    await client.disconnect().catch(() => undefined);
    throw explain(error);
  }
  if (options.trustServerCertificate === 'once') {
    // Trusted for this connection only: a certificate added to the trust list just now goes back to rejected.
    const added = [...(await trustedFiles())].some((f) => !trustedBefore.has(f));
    if (added && client.serverCertificate !== undefined)
      await certificateManager.rejectCertificate(client.serverCertificate).catch(() => undefined);
  }
  log.info('historian', 'opcua connected', logFields);
  return {
    session,
    endpoint: options.endpoint,
    lost: () => lost,
    close: async () => {
      await session.close().catch(() => undefined);
      await client.disconnect().catch(() => undefined);
      await certificateManager.dispose().catch(() => undefined);
    },
  };
};

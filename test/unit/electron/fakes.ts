import { apiMethodNames, type ApiHandlers } from '../../../src/shared/api.js';
import type { FrameLike, InvokeEventLike, IpcMainLike, WebContentsLike } from '../../../src/main/electron/ipc.js';

/** A handlers object answering every method with a recognisable value; records the arguments it saw. */
export const fakeHandlers = () => {
  const calls: { method: string; input: unknown }[] = [];
  const handlers = Object.fromEntries(
    apiMethodNames.map((method) => [
      method,
      async (input: unknown) => {
        calls.push({ method, input });
        return { answeredBy: method };
      },
    ]),
  ) as unknown as ApiHandlers;
  return { handlers, calls };
};

type Listener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

/** ipcMain as far as the bridge uses it, plus `invoke` to play the renderer. */
export class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (listener === undefined) throw new Error(`no handler for ${channel}`);
    return listener(event, ...args);
  }
}

export const INDEX_HTML = '/opt/pdm-studio/dist/renderer/index.html';
export const INDEX_URL = 'file:///opt/pdm-studio/dist/renderer/index.html';

export const fakeFrame = (overrides: Partial<FrameLike> = {}): FrameLike => ({
  url: INDEX_URL,
  parent: null,
  processId: 4,
  routingId: 1,
  ...overrides,
});

export const fakeWebContents = (
  mainFrame: FrameLike = fakeFrame(),
  id = 7,
): WebContentsLike & { destroyed: boolean } => {
  const contents = {
    id,
    mainFrame,
    destroyed: false,
    isDestroyed: () => contents.destroyed,
  };
  return contents;
};

/**
 * electron-updater's autoUpdater played over real HTTP: it reads the feed and downloads the installer from the
 * URL the app sets (the real 127.0.0.1 bridge of a folder share), as the generic provider does.
 * `tamper` changes the downloaded bytes, as a corrupted or substituted download would.
 */
export class FakeAutoUpdater {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  feedUrl: string | null = null;
  installs = 0;
  tamper = false;
  reportVersion: string | null = null;
  constructor(
    private readonly feedName: string,
    private readonly downloadDir: string,
  ) {}
  setFeedURL(options: { provider: 'generic'; url: string }): void {
    this.feedUrl = options.url;
  }
  private files: { url: string; sha512: string }[] = [];
  async checkForUpdates() {
    const text = await (await fetch(`${this.feedUrl ?? ''}/${this.feedName}`)).text();
    const version = /^version: (.+)$/m.exec(text)?.[1] ?? '';
    this.files = [...text.matchAll(/- url: (.+)\n {4}sha512: (.+)\n/g)].map((m) => ({
      url: m[1] ?? '',
      sha512: m[2] ?? '',
    }));
    return { updateInfo: { version: this.reportVersion ?? version, files: this.files } };
  }
  /** Downloads every installer of the feed (electron-updater takes the one of its kind; the app finds it by name). */
  async downloadUpdate(): Promise<string[]> {
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(this.downloadDir, { recursive: true });
    const out: string[] = [];
    for (const { url: name } of this.files) {
      const bytes = Buffer.from(await (await fetch(`${this.feedUrl ?? ''}/${name}`)).arrayBuffer());
      if (this.tamper) bytes[0] = (bytes[0] ?? 0) ^ 0xff;
      const file = `${this.downloadDir}/${name}`;
      await writeFile(file, bytes);
      out.push(file);
    }
    return out;
  }
  quitAndInstall(): void {
    this.installs += 1;
  }
}

/** A Linux release folder as `npm run dist` + postdist leave it: AppImage and deb, latest-linux.yml, its signature. */
export const publishRelease = async (dir: string, version: string, privateKey: string, installer: Buffer) => {
  const { createHash, sign, createPrivateKey } = await import('node:crypto');
  const { writeFile } = await import('node:fs/promises');
  const files = [
    { name: `pdm-studio-${version}-x86_64.AppImage`, bytes: installer },
    { name: `pdm-studio-${version}-amd64.deb`, bytes: Buffer.concat([Buffer.from('deb:'), installer]) },
  ];
  const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');
  const feed = [
    `version: ${version}`,
    'files:',
    ...files.flatMap((f) => [`  - url: ${f.name}`, `    sha512: ${sha512(f.bytes)}`, `    size: ${f.bytes.length}`]),
    `path: ${files[0]?.name ?? ''}`,
    `sha512: ${sha512(installer)}`,
    "releaseDate: '2026-12-01T12:00:00.000Z'",
    '',
  ].join('\n');
  for (const f of files) await writeFile(`${dir}/${f.name}`, f.bytes);
  await writeFile(`${dir}/latest-linux.yml`, feed);
  await writeFile(
    `${dir}/latest-linux.yml.sig`,
    sign(null, Buffer.from(feed), createPrivateKey(privateKey)).toString('base64'),
  );
};

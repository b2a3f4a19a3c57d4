// The browser tests' world: the platform sandbox, a SQLite store filled from it by `connhost sync`
// for the three platforms over a short window, FX rates, and `connhost serve` on a free loopback
// port. Everything runs in a temporary folder and is stopped by stop(), also after a failure.
//
// The binaries come from ctest (tests/web/CMakeLists.txt) through the environment:
//   CONNHOST_BIN, CONNHOST_SANDBOX_BIN, CONNHOST_PLUGIN_DIR, CONNHOST_WEB_ROOT, CONNHOST_SOURCE_DIR
// and, optionally, CHROMIUM (default /usr/bin/chromium) and CONNHOST_WEB_ARTIFACTS (where the
// screenshots go; default a temporary folder that is kept).
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const run = promisify(execFile);

function env(name, fallback) {
  const v = process.env[name] ?? fallback;
  if (!v) throw new Error(`${name} is not set (run these tests through ctest)`);
  return v;
}

// A free loopback port: bind port 0, read what the kernel chose, release it.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `url` until it answers 200, failing early when the process behind it has exited.
async function waitFor(url, proc, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}:\n${proc.output()}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch { /* not listening yet */ }
    await sleep(50);
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms:\n${proc.output()}`);
}

function startProcess(bin, args, logFile) {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(logFile);
  let tail = '';
  const keep = (chunk) => {
    log.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.output = () => tail;
  proc.on('exit', () => log.end());
  return proc;
}

async function stopProcess(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

const iso = (d) => d.toISOString().slice(0, 10);

export class World {
  constructor() {
    this.connhost = env('CONNHOST_BIN');
    this.sandboxBin = env('CONNHOST_SANDBOX_BIN');
    this.pluginDir = env('CONNHOST_PLUGIN_DIR');
    this.webRoot = env('CONNHOST_WEB_ROOT');
    this.sourceDir = env('CONNHOST_SOURCE_DIR');
    this.chromium = process.env.CHROMIUM || '/usr/bin/chromium';
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'connhost-web-'));
    this.artifacts = process.env.CONNHOST_WEB_ARTIFACTS || path.join(this.dir, 'artifacts');
    fs.mkdirSync(this.artifacts, { recursive: true });
    this.procs = [];
  }

  // The synced window: from the first day of last month to yesterday (UTC), a few seconds of
  // sync for the three platforms, and two months for the pivot.
  window() {
    const now = new Date();
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1));
    const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 1, 1));
    return { from: iso(from), to: iso(to) };
  }

  writeConfig(sandboxPort) {
    const creds = path.join(this.sourceDir, 'config', 'sandbox-credentials');
    const sb = `http://127.0.0.1:${sandboxPort}`;
    const q = (s) => JSON.stringify(s); // a TOML basic string is a JSON string for these paths
    const text = `
[host]
plugin_dirs = [${q(this.pluginDir)}]
log_level = "warn"

[store]
backend = "sqlite"
path = ${q(path.join(this.dir, 'connhost.db'))}

[server]
web_root = ${q(this.webRoot)}

[reporting]
categories_file = ${q(path.join(this.sourceDir, 'config', 'categories.toml'))}
currency = "USD"
fx_file = ${q(path.join(this.sourceDir, 'config', 'fx-example.csv'))}

[connections.tiktok_sandbox]
plugin = "tiktok"
base_url = "${sb}"
open_api_base_url = "${sb}"
app_id = "7000000000000000001"
app_secret = "\${file:${creds}/tiktok_app_secret}"
access_token = "\${file:${creds}/tiktok_access_token}"

[connections.meta_sandbox]
plugin = "meta"
base_url = "${sb}"
app_id = "100000000000001"
app_secret = "\${file:${creds}/meta_app_secret}"
access_token = "\${file:${creds}/meta_access_token}"
async_poll_initial_ms = 20
async_poll_max_ms = 50

[connections.google_sandbox]
plugin = "google"
base_url = "${sb}"
oauth_base_url = "${sb}"
client_id = "sandbox-client.apps.googleusercontent.com"
client_secret = "\${file:${creds}/google_client_secret}"
refresh_token = "\${file:${creds}/google_refresh_token}"

[pipelines.tiktok_daily]
connection = "tiktok_sandbox"
capability = "reporting"
streams = ["campaigns", "campaign_daily"]
lookback = "3d"

[pipelines.meta_daily]
connection = "meta_sandbox"
capability = "reporting"
streams = ["campaigns", "campaign_daily"]
lookback = "3d"

[pipelines.google_daily]
connection = "google_sandbox"
capability = "reporting"
streams = ["campaigns", "campaign_daily"]
lookback = "3d"
`;
    this.config = path.join(this.dir, 'connhost.toml');
    fs.writeFileSync(this.config, text);
  }

  async cli(...args) {
    try {
      return await run(this.connhost, ['--config', this.config, ...args], { timeout: 60000 });
    } catch (e) {
      throw new Error(`connhost ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }

  // The sandbox on a free port (this.sandboxUrl), once it answers; its port.
  async startSandbox() {
    const sandboxPort = await freePort();
    const sandbox = startProcess(this.sandboxBin, ['--port', String(sandboxPort)],
                                 path.join(this.dir, 'sandbox.log'));
    this.procs.push(sandbox);
    this.sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    await waitFor(`${this.sandboxUrl}/_sandbox/health`, sandbox, 'connhost-sandbox');
    return sandboxPort;
  }

  // `connhost serve` on this.config and a free port (this.base), once it is ready.
  async serve() {
    const port = await freePort();
    const serve = startProcess(this.connhost,
                               ['--config', this.config, 'serve', '--listen', `127.0.0.1:${port}`,
                                '--no-scheduler'],
                               path.join(this.dir, 'serve.log'));
    this.procs.push(serve);
    this.base = `http://127.0.0.1:${port}`;
    await waitFor(`${this.base}/readyz`, serve, 'connhost serve');
    return this;
  }

  async start() {
    const sandboxPort = await this.startSandbox();
    this.writeConfig(sandboxPort);
    await this.cli('store', 'migrate');
    const { from, to } = this.window();
    this.from = from;
    this.to = to;
    // One after the other: the three syncs share the one SQLite file.
    for (const p of ['tiktok_daily', 'meta_daily', 'google_daily'])
      await this.cli('sync', p, '--from', from, '--to', to, '--no-progress');
    await this.cli('fx', 'load', path.join(this.sourceDir, 'config', 'fx-example.csv'));

    return this.serve();
  }

  // A second `connhost serve` on the same store whose [server] api_key is `key` (from the
  // environment, as a secret must be). Its base URL.
  async startWithKey(key) {
    const config = path.join(this.dir, 'connhost-key.toml');
    fs.writeFileSync(config, fs.readFileSync(this.config, 'utf8')
      .replace('[server]\n', '[server]\napi_key = "${env:CONNHOST_WEB_TEST_KEY}"\n'));
    const port = await freePort();
    const proc = spawn(this.connhost, ['--config', config, 'serve', '--listen', `127.0.0.1:${port}`, '--no-scheduler'],
                       { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CONNHOST_WEB_TEST_KEY: key } });
    const log = fs.createWriteStream(path.join(this.dir, 'serve-key.log'));
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    proc.output = () => fs.readFileSync(path.join(this.dir, 'serve-key.log'), 'utf8').slice(-4000);
    this.procs.push(proc);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/readyz`, proc, 'connhost serve (with an API key)');
    return base;
  }

  // The login world (login.test.mjs): the sandbox and `connhost serve` on 127.0.0.1 (TikTok
  // desktop redirect URIs must be http://127.0.0.1:PORT/...) with three login connections and a
  // [vault] whose key is 32 random bytes written to a temporary file (never a committed key). No
  // sync: the store only holds what the logins store.
  async startLogin() {
    await this.startSandbox();

    const creds = path.join(this.sourceDir, 'config', 'sandbox-credentials');
    const secret = (name, value) => {
      const f = path.join(this.dir, name);
      fs.writeFileSync(f, value, { mode: 0o600 });
      return f;
    };
    const keyFile = secret('vault.key', crypto.randomBytes(32).toString('hex'));
    const tiktokSecret = secret('tiktok_client_secret', 'sandbox-tiktok-client-secret');
    const sb = this.sandboxUrl;
    const q = (s) => JSON.stringify(s);
    const text = `
[host]
plugin_dirs = [${q(this.pluginDir)}]
log_level = "info"

[store]
backend = "sqlite"
path = ${q(path.join(this.dir, 'connhost.db'))}

[server]
web_root = ${q(this.webRoot)}

[vault]
active_key = "web-test"
[vault.keys]
web-test = "\${file:${keyFile}}"

[connections.tiktok_login]
plugin = "tiktok"
base_url = "${sb}"
open_api_base_url = "${sb}"
auth_page_url = "${sb}/v2/auth/authorize/"
app_id = "7000000000000000001"
app_secret = "\${file:${creds}/tiktok_app_secret}"
client_key = "sbawsandboxclientkey"
client_secret = "\${file:${tiktokSecret}}"

[connections.meta_login]
plugin = "meta"
base_url = "${sb}"
dialog_url = "${sb}/v26.0/dialog/oauth"
app_id = "100000000000001"
app_secret = "\${file:${creds}/meta_app_secret}"

[connections.google_login]
plugin = "google"
base_url = "${sb}"
oauth_base_url = "${sb}"
auth_page_url = "${sb}/o/oauth2/v2/auth"
userinfo_url = "${sb}/v1/userinfo"
client_id = "sandbox-client.apps.googleusercontent.com"
client_secret = "\${file:${creds}/google_client_secret}"

[connections.google_hidden]
plugin = "google"
base_url = "${sb}"
oauth_base_url = "${sb}"
client_id = "sandbox-client.apps.googleusercontent.com"
client_secret = "\${file:${creds}/google_client_secret}"
[connections.google_hidden.login]
enabled = false
`;
    this.config = path.join(this.dir, 'connhost.toml');
    fs.writeFileSync(this.config, text);
    await this.cli('store', 'migrate');
    return this.serve();
  }

  // The inbox world (inbox.test.mjs): the sandbox and `connhost serve` with a Meta connection
  // (the preissued system-user token sends on the sandbox's Page) and a TikTok one (webhooks
  // only), both verifying the sandbox's signed deliveries at /webhooks/<connection>.
  async startInbox() {
    await this.startSandbox();

    const creds = path.join(this.sourceDir, 'config', 'sandbox-credentials');
    const sb = this.sandboxUrl;
    const q = (s) => JSON.stringify(s);
    this.db = path.join(this.dir, 'connhost.db');
    const text = `
[host]
plugin_dirs = [${q(this.pluginDir)}]
log_level = "info"

[store]
backend = "sqlite"
path = ${q(this.db)}

[server]
web_root = ${q(this.webRoot)}

[connections.meta_inbox]
plugin = "meta"
base_url = "${sb}"
app_id = "100000000000001"
app_secret = "\${file:${creds}/meta_app_secret}"
access_token = "\${file:${creds}/meta_access_token}"
page_id = "109876543210987"

[connections.tiktok_inbox]
plugin = "tiktok"
base_url = "${sb}"
open_api_base_url = "${sb}"
app_id = "7000000000000000001"
app_secret = "\${file:${creds}/tiktok_app_secret}"
login_flow = "business"
`;
    this.config = path.join(this.dir, 'connhost.toml');
    fs.writeFileSync(this.config, text);
    await this.cli('store', 'migrate');
    return this.serve();
  }

  // The sandbox's webhook driver (docs/sandbox.md) aimed at this server's /webhooks/<connection>;
  // its answer ({sent, statuses, event_ids}).
  async deliver(connection, spec) {
    const r = await fetch(`${this.sandboxUrl}/_sandbox/webhooks`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'single', ...spec, target_url: `${this.base}/webhooks/${connection}` }),
    });
    if (!r.ok) throw new Error(`POST /_sandbox/webhooks: ${r.status} ${await r.text()}`);
    return r.json();
  }

  // POST to the sandbox's control API (e.g. clock?offset_s=N).
  async sandboxPost(p) {
    const r = await fetch(`${this.sandboxUrl}/_sandbox/${p}`, { method: 'POST' });
    if (!r.ok) throw new Error(`POST /_sandbox/${p}: ${r.status} ${await r.text()}`);
    return r.json().catch(() => null);
  }

  // One SQL statement on the store through the sqlite3 shell (scripts/setup.sh installs it).
  async sql(statement) {
    const { stdout } = await run('sqlite3', [this.db, statement]);
    return stdout;
  }

  // The sandbox's control API: GET a path under /_sandbox, parsed.
  async sandbox(p) {
    const r = await fetch(`${this.sandboxUrl}/_sandbox/${p}`);
    if (!r.ok) throw new Error(`GET /_sandbox/${p}: ${r.status} ${await r.text()}`);
    return r.json();
  }

  // Sandbox fault rules (docs/sandbox.md), added or all cleared.
  async addFaults(rules) {
    const r = await fetch(`${this.sandboxUrl}/_sandbox/faults`, { method: 'POST', body: JSON.stringify({ faults: rules }) });
    if (!r.ok) throw new Error(`POST /_sandbox/faults: ${r.status} ${await r.text()}`);
  }

  async clearFaults() {
    await fetch(`${this.sandboxUrl}/_sandbox/faults`, { method: 'DELETE' });
  }

  // GET an API path; the parsed body, or throws with the status and body.
  async api(p) {
    const r = await fetch(this.base + p);
    const body = await r.json();
    if (!r.ok) throw new Error(`GET ${p}: ${r.status} ${JSON.stringify(body)}`);
    return body;
  }

  // Starts this world with `start` (one of the start* methods) and a headless Chromium on it, for
  // a test file's before(); the world is stopped again when starting fails.
  async launch(start) {
    let chromium;
    try {
      ({ chromium } = await import('playwright-core'));
    } catch (e) {
      throw new Error(`playwright-core is not installed in tests/web (run scripts/setup.sh): ${e.message}`);
    }
    if (!fs.existsSync(this.chromium)) throw new Error(`no ${this.chromium} (run scripts/setup.sh)`);
    try {
      await start(this);
    } catch (e) {
      await this.stop();
      throw e;
    }
    return chromium.launch({ executablePath: this.chromium, headless: true });
  }

  async stop() {
    for (const p of this.procs.reverse()) await stopProcess(p);
    this.procs = [];
    // The store and logs go with the run, unless the screenshots were put inside it.
    if (!this.artifacts.startsWith(this.dir) && !process.env.CONNHOST_WEB_KEEP)
      fs.rmSync(this.dir, { recursive: true, force: true });
  }

  // The whole serve log (the login test searches it for token bytes).
  serveLog() {
    try { return fs.readFileSync(path.join(this.dir, 'serve.log'), 'utf8'); } catch { return ''; }
  }

  logs() {
    const read = (f) => { try { return fs.readFileSync(path.join(this.dir, f), 'utf8').slice(-3000); } catch { return ''; } };
    return `--- serve.log\n${read('serve.log')}\n--- sandbox.log\n${read('sandbox.log')}`;
  }
}

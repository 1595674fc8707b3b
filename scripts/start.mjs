#!/usr/bin/env node
// `npm start`: the desktop app when the Electron runtime can run here, otherwise the same UI served on
// http://127.0.0.1:5170 by `lentera serve`. After `npm start --` only Lentera's own options are taken (--data DIR,
// --port N); anything else is refused, and nothing reaches Electron or Node (no --inspect, no remote debugging).
// Plain Node, no TypeScript loader: the launcher logic is src-main/electron/launcher.ts built into out/main.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const launcherFile = join(root, 'out', 'main', 'launcher.js');
const args = process.argv.slice(2);
const env = { ...process.env };

function say(line) {
  console.log(`[lentera] ${line}`);
}

/** Runs a child in its own process group (so a Ctrl-C reaches it once, from us), forwarding signals and the exit code. */
function runForwarding(command, commandArgs, childEnv) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', env: childEnv, detached: process.platform !== 'win32' });
  const signals = process.platform === 'win32' ? ['SIGINT', 'SIGTERM'] : ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const s of signals) process.on(s, forward);
  // If we go away for any reason, do not leave the child behind.
  process.on('exit', () => forward('SIGTERM'));
  child.on('error', (e) => {
    console.error(`[lentera] could not start ${command}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, forward);
    process.exit(L.exitCodeOf(code, signal, constants.signals));
  });
}

// 1. The build (main, launcher, preload, renderer) the desktop and the server both use. The launcher itself says
// what a complete build is; until it is built, the build is incomplete by definition.
function build() {
  say('building the app first (out/ is incomplete): electron-vite build');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) say(`the build failed (exit ${r.status ?? r.signal}); continuing with what is there`);
}

if (!existsSync(launcherFile)) build();
if (!existsSync(launcherFile)) {
  console.error(`[lentera] cannot start: ${launcherFile} is missing after the build; see the errors above`);
  process.exit(1);
}
let L = await import(pathToFileURL(launcherFile).href);
if (L.missingBuild(root).length) {
  build();
  // A query string makes Node load the freshly built launcher instead of the cached module.
  L = await import(`${pathToFileURL(launcherFile).href}?rebuilt=${Date.now()}`);
}

const started = L.startOptions(args);
if (!started.ok) {
  console.error(`[lentera] ${started.message}`);
  process.exit(2);
}
const options = started.options;
if (options.data) env.LENTERA_DATA = options.data;

// 2. Can the desktop run here?
const binary = L.electronBinary(root, env);
let decision = L.decideRuntime({ binaryExists: binary.exists, display: L.hasDisplay(env), platform: process.platform });

// 3. A better-sqlite3 built for Electron, once, by @electron/rebuild (node_modules keeps the Node build for tests,
// CLI and server). An installed app never gets here: its better-sqlite3 was built for Electron when it was packaged.
let binding = env.LENTERA_SQLITE_BINDING;
if (decision === 'electron' && !binding) {
  const electronVersion = L.electronVersion(root);
  const sqliteVersion = L.betterSqliteVersion(root);
  if (!electronVersion || !sqliteVersion) {
    decision = 'electron or better-sqlite3 is not installed; run npm install';
  } else {
    const target = { electronVersion, sqliteVersion, platform: process.platform, arch: process.arch };
    if (!L.cachedElectronSqlite(root, target)) say(`getting better-sqlite3 for Electron ${electronVersion} (once): @electron/rebuild`);
    const outcome = await L.ensureElectronSqlite({ root, target, rebuild: await L.loadElectronRebuild(root) });
    if (outcome.ok) binding = outcome.path;
    else {
      console.error(`[lentera] ${outcome.message}`);
      decision = `better-sqlite3 could not be built for Electron ${electronVersion}`;
    }
  }
}

if (decision === 'electron') {
  // Both modes keep the workstation in one place, so the desktop and the fallback see the same data.
  const childEnv = { ...env, LENTERA_SQLITE_BINDING: binding, LENTERA_DATA: L.defaultServeDataDir(env) };
  delete childEnv.ELECTRON_RUN_AS_NODE; // would turn the runtime into a plain Node
  // The project folder, and nothing else: Electron reads package.json ("main": out/main/index.js, "type": module).
  runForwarding(binary.path, [root], childEnv);
} else {
  const port = options.port ?? L.DEFAULT_SERVE_PORT;
  say(L.fallbackMessage(decision, port));
  const dataDir = L.defaultServeDataDir(env);
  runForwarding(process.execPath, [join(root, 'bin', 'lentera.mjs'), 'serve', '--data', dataDir, '--allow-init', '--port', String(port)], env);
}

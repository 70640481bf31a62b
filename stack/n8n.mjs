// Running an isolated, offline n8n with this package installed the way the Community Nodes
// screen installs it.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, node24Env, run, trackChild } from './provision.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_NAME = 'n8n-nodes-1fichier';
/** The package's node types as n8n names them once it is installed as a community package. */
export const FICHIER = `${PACKAGE_NAME}.oneFichier`;
export const FICHIER_TRIGGER = `${PACKAGE_NAME}.oneFichierTrigger`;

/** The isolated, offline environment of one n8n instance (see shared/REAL-N8N.md). */
export function n8nEnv({ userFolder, port = 5678, brokerPort = 5679, binDir, extra = {} }) {
	const tmp = path.join(userFolder, 'tmp');
	fs.mkdirSync(tmp, { recursive: true });
	const base = binDir ? node24Env(binDir) : { ...process.env };
	// Never let an outer n8n configuration leak in.
	for (const k of Object.keys(base)) if (/^(N8N_|DB_|QUEUE_|EXECUTIONS_)/.test(k)) delete base[k];
	return {
		...base,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: encryptionKey(userFolder),
		DB_TYPE: 'sqlite',
		TMPDIR: tmp,
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		N8N_WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry,agents,instance-ai,chat-hub,workflow-builder,insights',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		GENERIC_TIMEZONE: process.env.GENERIC_TIMEZONE || 'UTC',
		...extra,
	};
}

/** A per-user-folder encryption key, created once (n8n's credentials are encrypted with it). */
function encryptionKey(userFolder) {
	const file = path.join(userFolder, 'encryption.key');
	if (!fs.existsSync(file)) {
		fs.mkdirSync(userFolder, { recursive: true });
		fs.writeFileSync(file, crypto.randomBytes(24).toString('hex'), { mode: 0o600 });
	}
	return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Installs the built package into <userFolder>/.n8n/nodes the way the Community Nodes screen
 * does: npm pack, extract, drop dev and peer dependencies, install production dependencies.
 */
export async function installPackageIntoN8n(userFolder, { binDir } = {}) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	const packDir = path.join(userFolder, 'tmp', 'pack');
	fs.rmSync(packDir, { recursive: true, force: true });
	fs.mkdirSync(packDir, { recursive: true });
	const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packDir], {
		cwd: repoRoot,
		quiet: true,
	});
	const tarball = path.join(packDir, JSON.parse(stdout)[0].filename);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { quiet: true });
	const pkgFile = path.join(target, 'package.json');
	const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
	delete pkg.devDependencies;
	delete pkg.peerDependencies;
	delete pkg.peerDependenciesMeta;
	delete pkg.scripts;
	// n8n refuses the whole package if one listed file is missing: say which, before n8n does.
	for (const key of ['nodes', 'credentials']) {
		const listed = pkg.n8n?.[key] ?? [];
		const missing = listed.filter((f) => !fs.existsSync(path.join(target, f)));
		if (missing.length === 0) continue;
		if (process.env.ALLOW_MISSING_NODES !== '1') {
			throw new Error(`the packed package lacks ${missing.join(', ')} (listed in package.json "n8n.${key}"); is the build complete?`);
		}
		log(`WARNING (ALLOW_MISSING_NODES=1): leaving out ${missing.join(', ')}, missing from the packed package`);
		pkg.n8n[key] = listed.filter((f) => !missing.includes(f));
	}
	fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pkg.version } },
			null,
			2,
		),
	);
	if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) {
		await run('npm', ['install', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund'], {
			cwd: target,
			env: binDir ? node24Env(binDir) : process.env,
			quiet: true,
		});
	}
	fs.rmSync(packDir, { recursive: true, force: true });
	return { target, version: pkg.version };
}

/** Runs an n8n CLI command (import:*, execute, …) in the given environment. */
export async function n8nCli(n8n, env, args, opts = {}) {
	return run(n8n.nodeBin, [n8n.n8nMain, ...args], { env, quiet: true, cwd: env.N8N_USER_FOLDER, ...opts });
}

/** Free TCP port on 127.0.0.1: `preferred` if free, else any. */
export async function freePort(preferred) {
	const tryPort = (p) =>
		new Promise((resolve) => {
			const srv = net.createServer();
			srv.once('error', () => resolve(null));
			srv.listen(p, '127.0.0.1', () => {
				const got = srv.address().port;
				srv.close(() => resolve(got));
			});
		});
	if (preferred) {
		const p = await tryPort(preferred);
		if (p) return p;
	}
	return tryPort(0);
}

export async function isPortFree(p) {
	return (await freePort(p)) === p;
}

/**
 * Starts `n8n start` (or another command, e.g. `worker`); resolves once /healthz/readiness answers
 * 200 on `readyPort` (the editor's port by default). Output goes to logFile.
 */
export async function startN8n(n8n, env, { logFile, timeoutMs = 180_000, inherit = false, args = ['start'], readyPort } = {}) {
	const port = Number(readyPort ?? env.N8N_PORT);
	const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
	const child = spawn(n8n.nodeBin, [n8n.n8nMain, ...args], {
		env,
		cwd: env.N8N_USER_FOLDER,
		stdio: ['ignore', inherit ? 'inherit' : out, inherit ? 'inherit' : out],
		detached: false,
	});
	trackChild(child);
	let exited = null;
	child.on('exit', (code, sig) => {
		exited = { code, sig };
	});
	const t0 = Date.now();
	for (;;) {
		if (exited) {
			const tail = logFile ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') : '';
			throw new Error(`n8n exited during start (code ${exited.code}, signal ${exited.sig})\n${tail}`);
		}
		try {
			const res = await fetch(`http://127.0.0.1:${port}/healthz/readiness`);
			if (res.status === 200) break;
		} catch {
			/* not listening yet */
		}
		if (Date.now() - t0 > timeoutMs) {
			child.kill('SIGTERM');
			throw new Error(`n8n did not become ready within ${timeoutMs / 1000} s (log: ${logFile})`);
		}
		await new Promise((r) => setTimeout(r, 300));
	}
	return child;
}

/** Stops a child process: SIGTERM, then SIGKILL after a grace period. */
export function stopProcess(child, graceMs = 10_000) {
	return new Promise((resolve) => {
		if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
		const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
		child.once('exit', () => {
			clearTimeout(t);
			resolve();
		});
		child.kill('SIGTERM');
	});
}


// Redis and Postgres for n8n's queue mode: Debian's packages (installed with apt-get when
// missing), each a private instance on a free loopback port in a temporary folder, gone when
// stopped. Postgres refuses to run as root, so as root its processes run as the `postgres` user
// that Debian's package creates.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { aptInstall } from './apt.mjs';
import { freePort, repoRoot } from './n8n.mjs';
import { log, run, trackChild } from './provision.mjs';

const require = createRequire(import.meta.url);
const POSTGRES_ROOT = '/usr/lib/postgresql';

/** The throwaway redis-server helper shared with the jest tests (stack/redisServer.ts, compiled into build/). */
function redisHelper() {
	return require(path.join(repoRoot, 'build', 'stack', 'redisServer.js'));
}

/** The newest Debian postgresql's bin folder (`/usr/lib/postgresql/<version>/bin`), if any. */
export function postgresBinDir() {
	if (!fs.existsSync(POSTGRES_ROOT)) return undefined;
	const versions = fs
		.readdirSync(POSTGRES_ROOT)
		.filter((v) => fs.existsSync(path.join(POSTGRES_ROOT, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(POSTGRES_ROOT, versions[0], 'bin') : undefined;
}

function redisServerFound() {
	const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
	return candidates.some((c) => c && fs.existsSync(c));
}

/** Installs Debian's redis-server and postgresql when they are missing (one apt-get run). */
export async function ensureQueueServices() {
	const missing = [];
	if (!redisServerFound()) missing.push('redis-server');
	if (!postgresBinDir()) missing.push('postgresql');
	if (missing.length) await aptInstall(missing, missing.join(' and '));
	if (!redisServerFound()) throw new Error('redis-server is still missing after apt-get install');
	if (!postgresBinDir()) throw new Error(`postgresql is still missing after apt-get install (nothing under ${POSTGRES_ROOT})`);
}

export async function startRedis({ logFile } = {}) {
	const server = await redisHelper().startRedisServer({ logFile });
	log(`redis-server on 127.0.0.1:${server.port}`);
	return server;
}

/** As root: the uid/gid of Debian's `postgres` user, which runs the server. */
async function postgresIdentity() {
	if (process.getuid?.() !== 0) return {};
	const id = async (flag) => Number((await run('id', [flag, 'postgres'], { quiet: true })).stdout.trim());
	try {
		return { uid: await id('-u'), gid: await id('-g') };
	} catch {
		throw new Error('running as root, and there is no "postgres" user to run Postgres as (Debian\'s postgresql package creates it)');
	}
}

/**
 * A private Postgres: initdb into a temp folder, `postgres` on a free port (loopback only, trust
 * authentication, durability off: test data), database `n8n`. Returns its connection and stop().
 */
export async function startPostgres({ logFile } = {}) {
	const bin = postgresBinDir();
	const identity = await postgresIdentity();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pg-'));
	const data = path.join(dir, 'data');
	if (identity.uid !== undefined) fs.chownSync(dir, identity.uid, identity.gid);
	const asPostgres = { ...identity, cwd: dir, env: { ...process.env, LC_ALL: 'C' } };
	const spawnQuiet = (cmd, args) =>
		new Promise((resolve, reject) => {
			const child = spawn(path.join(bin, cmd), args, { ...asPostgres, stdio: ['ignore', 'pipe', 'pipe'] });
			let output = '';
			child.stdout.on('data', (d) => (output += d));
			child.stderr.on('data', (d) => (output += d));
			child.on('error', reject);
			child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${cmd} exited with ${code}:\n${output.slice(-2000)}`))));
		});
	await spawnQuiet('initdb', ['-D', data, '-U', 'n8n', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
	const port = await freePort(0);
	const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
	const settings = ['listen_addresses=127.0.0.1', `unix_socket_directories=${dir}`, 'fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'];
	const child = trackChild(
		spawn(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), ...settings.flatMap((s) => ['-c', s])], {
			...asPostgres,
			stdio: ['ignore', out, out],
		}),
	);
	let exited = null;
	child.on('exit', (code) => (exited = code));
	const t0 = Date.now();
	for (;;) {
		if (exited !== null) throw new Error(`postgres exited with ${exited} (log: ${logFile})`);
		try {
			await spawnQuiet('pg_isready', ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n']);
			break;
		} catch {
			if (Date.now() - t0 > 30_000) throw new Error(`postgres did not accept connections within 30 s (log: ${logFile})`);
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	await spawnQuiet('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', 'n8n']);
	log(`postgres on 127.0.0.1:${port} (data in ${dir})`);
	const stop = async () => {
		if (exited === null) {
			const gone = new Promise((r) => child.once('exit', r));
			child.kill('SIGINT'); // fast shutdown
			await gone;
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	return { port, host: '127.0.0.1', user: 'n8n', password: 'n8n', database: 'n8n', stop };
}

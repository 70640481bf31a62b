#!/usr/bin/env node
// npm start: a real n8n (pinned, Node.js 24, offline) with this package installed as a community
// package, a credential, the example workflows and an owner account, next to the local 1fichier
// simulator (or the real 1fichier when ONEFICHIER_API_KEY is set). Ctrl-C stops everything.
// `npm start -- --queue` (or `npm run start:queue`): the same in n8n's queue mode — Redis,
// Postgres, a main and two workers (stack/cluster.mjs), started fresh on every run.
import fs from 'node:fs';
import path from 'node:path';
import { buildPackage } from '../stack/build.mjs';
import { startQueueCluster } from '../stack/cluster.mjs';
import { REAL_BASE_URL, REAL_CREDENTIAL, SIM_CREDENTIAL, ensureOwner, prepareN8n } from '../stack/instance.mjs';
import { freePort, isPortFree, repoRoot, startN8n, stopProcess } from '../stack/n8n.mjs';
import { log } from '../stack/provision.mjs';
import { startSimulator } from '../stack/simulator.mjs';

const t0 = Date.now();
const userFolder = path.join(repoRoot, '.n8n-local');
const n8nPort = Number(process.env.N8N_PORT || 5678);
const realKey = process.env.ONEFICHIER_API_KEY?.trim();
const queueMode = process.argv.includes('--queue');
const children = [];
let stopping = false;

const stackFile = path.join(userFolder, 'running.json');

async function shutdown(code = 0) {
	if (stopping) return;
	stopping = true;
	fs.rmSync(stackFile, { force: true });
	log('\nStopping…');
	for (const c of children.reverse()) await c.stop();
	process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

/** A local folder standing in for the NAS of the nightly backup example: a small tree of sample files. */
function demoNasFolder() {
	const dir = path.join(userFolder, 'nas-export');
	if (!fs.existsSync(dir)) {
		fs.mkdirSync(path.join(dir, 'photos', '2026'), { recursive: true });
		fs.writeFileSync(path.join(dir, 'notes.txt'), 'Sample file standing in for a NAS export.\n');
		fs.writeFileSync(path.join(dir, 'inventory.csv'), 'item,count\ndisks,4\nswitches,1\n');
		fs.writeFileSync(path.join(dir, 'photos', '2026', 'summer.txt'), 'A sub-folder of the tree: it is kept on 1fichier.\n');
	}
	return dir;
}

async function main() {
	if (!(await isPortFree(n8nPort))) {
		throw new Error(
			`Port ${n8nPort} is in use: is another npm start running? Stop it, or set N8N_PORT to another port.`,
		);
	}
	await buildPackage();
	fs.mkdirSync(userFolder, { recursive: true });

	let credential, apiKey, credBaseUrl, sim;
	if (realKey) {
		credential = REAL_CREDENTIAL;
		apiKey = realKey;
		credBaseUrl = REAL_BASE_URL;
		log('ONEFICHIER_API_KEY is set: using the real 1fichier (no simulator).');
	} else {
		const simPort = await freePort(Number(process.env.SIMULATOR_PORT || 8765));
		sim = await startSimulator({ port: simPort, seed: 'demo', logFile: path.join(userFolder, 'simulator.log') });
		children.push({ stop: sim.stop });
		credential = SIM_CREDENTIAL;
		apiKey = sim.apiKey;
		credBaseUrl = sim.baseUrl;
		log(`1fichier simulator: ${sim.baseUrl} (demo API key: ${sim.apiKey})`);
	}

	const nas = demoNasFolder();
	// The restore example writes into an empty directory of its own, never over the (demo) NAS.
	const restoreTo = path.join(userFolder, 'restored');
	const examples = {
		// n8n's file access restriction: the nodes may only touch these folders. Against the
		// simulator the editor also shows the test-only settings (a new credential's Base URL).
		extraEnv: { N8N_RESTRICT_FILE_ACCESS_TO: `${nas};${restoreTo}`, ...(sim ? { ONEFICHIER_TEST_SETTINGS: 'true' } : {}) },
		examplesTransform: (wf) => {
			// Point the backup, check and restore examples at the demo folders.
			for (const node of wf.nodes) {
				for (const a of node.parameters?.assignments?.assignments ?? []) {
					if (a.name === 'nasDirectory') a.value = nas;
					if (a.name === 'restoreTo') a.value = restoreTo;
				}
			}
			return wf;
		},
	};
	const connection = { credential, apiKey, credBaseUrl };
	const { base, owner, logs } = queueMode ? await startCluster(connection, examples) : await startSingle(connection, examples);
	// Lets `npm run test:browser` find and reuse this stack.
	fs.writeFileSync(
		stackFile,
		JSON.stringify({ pid: process.pid, n8nUrl: base, simulatorUrl: sim?.origin ?? null, credential }, null, 2),
	);

	log('');
	log(`n8n is ready after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${base}/`);
	if (owner.created) {
		log(`  Sign in as ${owner.email} with password ${owner.password}`);
		log(`  (saved in ${path.relative(repoRoot, owner.file)}${queueMode ? '' : '; later runs reuse it'})`);
	} else {
		log(`  Sign in as ${owner.email}; the password is in ${path.relative(repoRoot, owner.file)}`);
	}
	log(`  Credential: "${credential.name}"${sim ? ` → ${sim.baseUrl}` : ' → the real 1fichier API'}`);
	log(`  Example workflows are in Overview; logs: ${logs.map((f) => path.relative(repoRoot, f)).join(', ')}`);
	log(queueMode ? '  Ctrl-C stops n8n (main and workers), Redis, Postgres and the simulator; all of it starts fresh on the next run.' : 'Press Ctrl-C to stop.');
}

/** One n8n process (regular mode), its data kept in .n8n-local between runs. */
async function startSingle(connection, examples) {
	const brokerPort = await freePort(Number(process.env.N8N_RUNNERS_BROKER_PORT || 5679));
	const { n8n, env } = await prepareN8n({ userFolder, port: n8nPort, brokerPort, ...connection, ...examples });
	log(`Starting n8n ${n8n.version} on port ${n8nPort}…`);
	const logFile = path.join(userFolder, 'n8n.log');
	const child = await startN8n(n8n, env, { logFile });
	children.push({ stop: () => stopProcess(child) });
	exitWith(child, logFile);
	const base = `http://127.0.0.1:${n8nPort}`;
	const owner = await ensureOwner(base, userFolder);
	log(`  The "URL to 1fichier" webhook wants the header in ${path.relative(repoRoot, path.join(userFolder, 'webhook-header.json'))} (examples/README.md)`);
	return { base, owner: { ...owner, file: path.join(userFolder, 'owner.json') }, logs: [logFile] };
}

/** Queue mode: Redis, Postgres, a main and two workers, fresh in .n8n-queue-local on every run. */
async function startCluster(connection, examples) {
	const dir = path.join(repoRoot, '.n8n-queue-local');
	fs.rmSync(dir, { recursive: true, force: true });
	log('Queue mode: starting Redis, Postgres, the n8n main and two workers (installing redis-server and postgresql with apt-get if missing)…');
	const cluster = await startQueueCluster({
		dir,
		...connection,
		mainPort: n8nPort,
		mainEnv: examples.extraEnv,
		workerEnv: examples.extraEnv,
		prepare: { importExamples: true, examplesTransform: examples.examplesTransform },
	});
	children.push({ stop: cluster.stop });
	exitWith(cluster.main, path.join(dir, 'main.log'));
	for (const worker of cluster.workers) exitWith(worker.child, worker.logFile);
	log(`  Redis:    127.0.0.1:${cluster.redis.port} (n8n's queue and this package's shared rate limits)`);
	log(`  Postgres: 127.0.0.1:${cluster.postgres.port}, database ${cluster.postgres.database}, user ${cluster.postgres.user}`);
	log(`  Main:     ${cluster.base} (editor, webhooks, trigger polls); workers: ${cluster.workers.map((w) => w.name).join(', ')} (run the executions)`);
	const owner = { ...cluster.owner, file: path.join(cluster.mainFolder, 'owner.json') };
	return { base: cluster.base, owner, logs: [path.join(dir, 'main.log'), ...cluster.workers.map((w) => w.logFile)] };
}

/** When a process dies on its own, say where its log is and stop everything. */
function exitWith(child, logFile) {
	child.on('exit', (code) => {
		if (!stopping) {
			log(`${path.basename(logFile, '.log')} exited (code ${code}); see ${logFile}`);
			shutdown(1);
		}
	});
}

main().catch(async (e) => {
	console.error(`npm start failed: ${e.message}`);
	await shutdown(1);
});

// n8n in queue mode on one machine: Redis and Postgres (private instances), one main and N
// workers (`n8n worker --concurrency=N`, 10 by default), the package installed once into the main's folder and
// shared with the workers. Used by `npm run test:queue` and `npm start -- --queue`.
import fs from 'node:fs';
import path from 'node:path';
import { ensureOwner, prepareN8n } from './instance.mjs';
import { freePort, n8nEnv, startN8n, stopProcess } from './n8n.mjs';
import { log } from './provision.mjs';
import { ensureQueueServices, startPostgres, startRedis } from './services.mjs';

/** n8n's own default for `n8n worker --concurrency`. */
export const DEFAULT_WORKER_CONCURRENCY = 10;

/** What every process of the installation shares: queue mode, Redis, Postgres, the encryption key. */
function queueEnv(redis, postgres) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		DB_POSTGRESDB_DATABASE: postgres.database,
	};
}

/**
 * Starts the whole cluster in `dir`. `credential`/`apiKey`/`credBaseUrl` as for prepareN8n;
 * `mainEnv`/`workerEnv` add settings; `concurrency` is each worker's `--concurrency`. Returns handles to drive it and `stop()`.
 */
export async function startQueueCluster({ dir, workers = 2, concurrency = DEFAULT_WORKER_CONCURRENCY, credential, apiKey, credBaseUrl, mainPort, mainEnv = {}, workerEnv = {}, prepare = {} }) {
	fs.mkdirSync(dir, { recursive: true });
	const stops = [];
	const stop = async () => {
		for (const s of stops.splice(0).reverse()) await s().catch((e) => log(`  (while stopping: ${e.message})`));
	};
	try {
		await ensureQueueServices();
		const redis = await startRedis({ logFile: path.join(dir, 'redis.log') });
		stops.push(redis.stop);
		const postgres = await startPostgres({ logFile: path.join(dir, 'postgres.log') });
		stops.push(postgres.stop);
		const shared = queueEnv(redis, postgres);

		const mainFolder = path.join(dir, 'main');
		const port = mainPort ?? (await freePort(0));
		const { n8n, env } = await prepareN8n({
			userFolder: mainFolder,
			port,
			brokerPort: await freePort(0),
			credential,
			apiKey,
			credBaseUrl,
			extraEnv: { ...shared, ...mainEnv },
			importExamples: false,
			...prepare,
		});
		const main = await startN8n(n8n, env, { logFile: path.join(dir, 'main.log') });
		stops.push(() => stopProcess(main));
		const base = `http://127.0.0.1:${port}`;
		log(`n8n main (queue mode) ready on ${base}`);

		const cluster = { dir, n8n, base, mainEnv: env, mainFolder, redis, postgres, main, workers: [], stop };
		cluster.startWorkers = async (extra = {}) => {
			cluster.workers = await Promise.all(
				Array.from({ length: workers }, async (_, i) => await startWorker(n8n, { dir, index: i + 1, concurrency, mainFolder, env: { ...shared, N8N_ENCRYPTION_KEY: env.N8N_ENCRYPTION_KEY, ...workerEnv, ...extra } })),
			);
			log(`${workers} workers ready (concurrency ${concurrency} each): ${cluster.workers.map((w) => w.name).join(', ')}`);
		};
		cluster.stopWorkers = async () => {
			await Promise.all(cluster.workers.map(async (w) => await stopProcess(w.child)));
			cluster.workers = [];
		};
		stops.push(() => cluster.stopWorkers());
		await cluster.startWorkers();
		cluster.owner = await ensureOwner(base, mainFolder);
		return cluster;
	} catch (error) {
		await stop();
		throw error;
	}
}

/** One `n8n worker`: its own user folder (the main's installed nodes linked in), broker and health ports. */
async function startWorker(n8n, { dir, index, concurrency, mainFolder, env: extra }) {
	const name = `worker-${index}`;
	const userFolder = path.join(dir, name);
	fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
	const nodes = path.join(userFolder, '.n8n', 'nodes');
	if (!fs.existsSync(nodes)) fs.symlinkSync(path.join(mainFolder, '.n8n', 'nodes'), nodes, 'dir');
	const healthPort = await freePort(0);
	const env = n8nEnv({
		userFolder,
		port: healthPort,
		brokerPort: await freePort(0),
		binDir: n8n.binDir,
		extra: { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1', ...extra },
	});
	const logFile = path.join(dir, `${name}.log`);
	const child = await startN8n(n8n, env, { logFile, args: ['worker', `--concurrency=${concurrency}`], readyPort: healthPort });
	return { name, child, logFile, healthPort };
}

/** The worker whose log says it ran this execution (`Worker started execution <id>`), if any. */
export function workerOfExecution(cluster, executionId) {
	const line = new RegExp(`Worker started execution ${executionId} \\(`);
	return cluster.workers.find((w) => line.test(fs.readFileSync(w.logFile, 'utf8')))?.name;
}

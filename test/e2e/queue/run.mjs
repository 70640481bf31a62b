#!/usr/bin/env node
// npm run test:queue: the packed package in n8n's queue mode — Redis and Postgres (Debian's
// packages, installed when missing), one main and two workers (`n8n worker --concurrency=1`, see
// WORKER_CONCURRENCY) — against the simulator with its real limits (3 calls/s per key, 30 s flood
// lock). Checks (test/e2e/queue/cases.mjs):
//   1. two workflows of 30 get-link items each, on different workers: no flood, and their calls
//      paced within 1.20x of what one pacer needs at the key's spacing;
//   2. a flood answered to one worker pauses the other worker's calls to that key too;
//   3. database binary mode: a batch upload (bytes verified), a 64 MiB download written to disk by
//      Read/Write Files (sha512 of the source), a download too big for that mode refused as soon
//      as its size is known, and a 64 MiB restore round trip (read, upload, download, write);
//   4. an activated trigger (polled by the main) emits a new file once — judged while 1-3 run;
//   5. on demand only (QUEUE_CONTROL_ITEMS=<n>, e.g. 100), reported but not judged: the pair
//      again with ONEFICHIER_SHARED_RATE_LIMITS=false, each worker pacing itself.
// Prints figures, then `queue: N passed, M failed`. SKIP_BUILD=1 uses dist/ and build/ as they are
// (without it they are built unless up to date).
import fs from 'node:fs';
import path from 'node:path';
import { buildPackage } from '../../../stack/build.mjs';
import { startQueueCluster } from '../../../stack/cluster.mjs';
import { SIM_CREDENTIAL, importWorkflows, signIn } from '../../../stack/instance.mjs';
import { activate } from '../../../stack/n8nApi.mjs';
import { freePort, repoRoot } from '../../../stack/n8n.mjs';
import { log } from '../../../stack/provision.mjs';
import { simulatorControl, startSimulator } from '../../../stack/simulator.mjs';
import { createReport } from '../report.mjs';
import {
	DB_MAX_MIB,
	batchUpload,
	bigDownload,
	fileLandedTrigger,
	floodPausesBothWorkers,
	inProcessControl,
	restoreRoundTrip,
	sharedPacingPair,
	tooBigDownload,
} from './cases.mjs';
import { simLog } from './observe.mjs';
import { downloadWorkflow, linksWorkflow, roundTripWorkflow, triggerWorkflow, uploadWorkflow } from './workflows.mjs';

const artifacts = path.join(repoRoot, 'test-artifacts', 'queue');
const { record, finish } = createReport('queue');
/**
 * Calls per workflow of the judged pair. What is judged is a ratio to one pacer's time, and
 * whether two pacers that did not share would flood: 30 calls each already overlap long enough
 * for that (two unshared pacers make 4 calls a second against the key's 3) and stay a small part
 * of the suite's time.
 */
const PAIR_ITEMS = 30;
const CONTROL_ITEMS = Number(process.env.QUEUE_CONTROL_ITEMS ?? 0);
// One execution per worker at a time, so the second workflow of a pair cannot land on the worker
// running the first: with n8n's default (10) Bull gives it to whichever worker's blocking fetch
// is first in line, and those fetches are re-issued every few seconds, so now and then both
// executions ran on one worker and the pair proved nothing about two processes.
const WORKER_CONCURRENCY = 1;

async function main() {
	fs.rmSync(artifacts, { recursive: true, force: true });
	const filesDir = path.join(artifacts, 'files');
	fs.mkdirSync(filesDir, { recursive: true });
	await buildPackage();

	const simLogFile = path.join(artifacts, 'simulator.log');
	const simulator = await startSimulator({ port: await freePort(0), seed: 'empty', timeScale: 1, logFile: simLogFile });
	const sim = simulatorControl(simulator.origin);
	log(`simulator ${simulator.baseUrl} (real limits: 3 calls/s per key, 30 s flood lock)`);
	const folders = {
		links: (await sim.addFolder(0, 'links')).id,
		incoming: (await sim.addFolder((await sim.addFolder(0, 'queue')).id, 'incoming')).id,
	};
	await sim.seed(folders.links, 2 * Math.max(PAIR_ITEMS, CONTROL_ITEMS, 20), 'link-');
	const linkUrls = (await sim.state()).files.filter((f) => f.folderId === folders.links).map((f) => ({ url: f.url }));
	const ctx = { sim, folders, filesDir, simLog: simLog(simLogFile), linkUrls, figures: {}, record };

	const env = {
		N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(DB_MAX_MIB),
		N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
	};
	const cluster = await startQueueCluster({
		dir: path.join(artifacts, 'cluster'),
		credential: SIM_CREDENTIAL,
		apiKey: simulator.apiKey,
		credBaseUrl: simulator.baseUrl,
		concurrency: WORKER_CONCURRENCY,
		mainEnv: env,
		workerEnv: env,
	});
	ctx.cluster = cluster;
	try {
		const flood40 = { floodWaitSeconds: 40 };
		const webhookWorkflows = [
			linksWorkflow('queue-links-1'),
			linksWorkflow('queue-links-2'),
			linksWorkflow('queue-flood-1', flood40),
			linksWorkflow('queue-flood-2', flood40),
			uploadWorkflow(),
			downloadWorkflow(),
			roundTripWorkflow(),
		];
		await importWorkflows(cluster.n8n, cluster.mainEnv, [...webhookWorkflows, triggerWorkflow()]);
		({ api: ctx.api } = await signIn(cluster.base, cluster.owner));
		for (const wf of webhookWorkflows) await activate(ctx.api, wf.id);

		// The trigger waits for the main's minute polls; the other checks run meanwhile.
		const trigger = await fileLandedTrigger(ctx);
		await sharedPacingPair(ctx, PAIR_ITEMS);
		await floodPausesBothWorkers(ctx);
		await batchUpload(ctx);
		await bigDownload(ctx);
		await tooBigDownload(ctx);
		await restoreRoundTrip(ctx);
		await trigger.judged;
		if (CONTROL_ITEMS > 0) await inProcessControl(ctx, CONTROL_ITEMS);
		printFigures(ctx.figures);
	} finally {
		await cluster.stop();
		await simulator.stop();
	}
}

function printFigures({ pair, flood, control }) {
	const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
	log('\nfigures');
	if (pair) log(`  shared pacing:     ${pair.calls} calls over ${secs(pair.spanMs)} (${(pair.spanMs / pair.onePacer).toFixed(3)}x of ${secs(pair.onePacer)}), ${pair.flooded} flood events, busiest second ${pair.busiestSecond} calls; workflows answered after ${secs(pair.wallMs)}`);
	if (flood) log(`  flood propagation: ${flood.flooded} flood event, key silent ${flood.silenceMs === undefined ? '?' : secs(flood.silenceMs)} after it on both workers`);
	if (control) log(`  in-process pacing: ${control.calls} calls (${control.refused.length} refused) in ${secs(control.ms)} (${(control.ms / control.ideal).toFixed(2)}x), ${control.flooded} flood events, busiest second ${control.busiestSecond} calls`);
}

main()
	.catch((e) => record('queue harness', false, 0, e.stack ?? e.message))
	.finally(finish);

#!/usr/bin/env node
// npm run test:queue: the packed package in n8n's queue mode — Redis and Postgres (Debian's
// packages, installed when missing), one main and two workers (`n8n worker --concurrency=1`, see WORKER_CONCURRENCY) —
// against the simulator with its real limits (3 calls/s per key, 30 s flood lock):
//   1. two workflows of 100 get-link items each, on different workers: no flood, and the pair
//      takes at most 1.10x the time one pacer needs for the 200 calls at the key's spacing;
//   2. a flood answered to one worker pauses the other worker's calls to that key too;
//   3. database binary mode: a batch upload and a download (bytes verified), and a download too
//      big for that mode refused as soon as its size is known, before its body is read;
//   4. an activated trigger (polled by the main) emits a new file once;
//   5. control, reported but not judged: the pair again with ONEFICHIER_SHARED_RATE_LIMITS=false.
// Prints figures, then `queue: N passed, M failed`. SKIP_BUILD=1 reuses dist/ and build/;
// QUEUE_CONTROL_ITEMS=<n> (default 100, 0 to skip) sizes the control run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { whirlpool } from 'hash-wasm';
import { buildPackage } from '../../../stack/build.mjs';
import { startQueueCluster, workerOfExecution } from '../../../stack/cluster.mjs';
import { SIM_CREDENTIAL, bindCredential, importWorkflows, loadExamples, signIn } from '../../../stack/instance.mjs';
import { freePort, repoRoot } from '../../../stack/n8n.mjs';
import { activate, callWebhook, describeFailure, lastExecution, triggerMessages } from '../../../stack/n8nApi.mjs';
import { log } from '../../../stack/provision.mjs';
import { simulatorControl, startSimulator } from '../../../stack/simulator.mjs';
import { createReport } from '../report.mjs';
import { body, code, fichier, rl, testWorkflow } from '../workflow.mjs';

const artifacts = path.join(repoRoot, 'test-artifacts', 'queue');
const { record, finish } = createReport('queue');
const ITEMS = 100;
const SPACING_MS = 500; // the node's default Request Spacing
const BOUND = 1.1;
// One execution per worker at a time, so the second workflow of a pair cannot land on the worker
// running the first: with n8n's default (10) Bull gives it to whichever worker's blocking fetch
// is first in line, and those fetches are re-issued every few seconds, so now and then both
// executions ran on one worker and the pair proved nothing about two processes.
const WORKER_CONCURRENCY = 1;
const CONTROL_ITEMS = Number(process.env.QUEUE_CONTROL_ITEMS ?? ITEMS);
/** The database binary mode's limit for this run (MiB), so a small file can be "too big". */
const DB_MAX_MIB = 1;
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- workflows -----------------------------------------------------------------------------

const itemsFromBody = (field) => code('Items', `return $('Webhook').first().json.body.${field}.map((entry) => ({ json: entry }));`);

function linksWorkflow(id, rateLimits) {
	return testWorkflow({
		id,
		name: `queue: ${id}`,
		path: id,
		credential: SIM_CREDENTIAL,
		steps: [
			itemsFromBody('files'),
			fichier('Get links', { resource: 'file', operation: 'getLink', file: rl('url', '={{ $json.url }}'), ...(rateLimits ? { rateLimits } : {}) }),
		],
	});
}

const uploadWorkflow = () =>
	testWorkflow({
		id: 'queueUpload',
		name: 'queue: batch upload',
		path: 'queue-upload',
		credential: SIM_CREDENTIAL,
		steps: [
			itemsFromBody('files'),
			{
				name: 'Make files',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				parameters: {
					operation: 'toBinary',
					sourceProperty: 'contentBase64',
					binaryPropertyName: 'data',
					options: { fileName: '={{ $json.filename }}', mimeType: 'application/octet-stream' },
				},
			},
			fichier('Upload', { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: rl('path', 'queue/uploads') }),
		],
	});

const downloadWorkflow = () =>
	testWorkflow({
		id: 'queueDownload',
		name: 'queue: download',
		path: 'queue-download',
		credential: SIM_CREDENTIAL,
		steps: [
			fichier('Download', { resource: 'file', operation: 'download', file: rl('url', body('url')), binaryPropertyName: 'data' }),
			code(
				'Binary as JSON',
				`const out = [];
const items = $input.all();
for (let i = 0; i < items.length; i++) {
  const bin = items[i].binary.data;
  const buf = await this.helpers.getBinaryDataBuffer(i, 'data');
  out.push({ json: { fileName: bin.fileName, id: bin.id ?? null, base64: buf.toString('base64') } });
}
return out;`,
			),
		],
	});

function triggerWorkflow() {
	const example = loadExamples().find((e) => e.file === 'file-landed-notification.json');
	const wf = bindCredential(example.workflow, SIM_CREDENTIAL);
	wf.id = 'queueTrigger';
	wf.name = 'queue: file landed';
	wf.active = false;
	wf.nodes.find((n) => n.type.endsWith('.oneFichierTrigger')).parameters.folder = rl('path', 'queue/incoming');
	return wf;
}

// ---- observing the run ---------------------------------------------------------------------

/** The simulator's request log (one `HH:MM:SS.mmm METHOD path status` line per request), read from an offset. */
function simLog(file) {
	const size = () => fs.statSync(file).size;
	const since = (offset) =>
		fs
			.readFileSync(file)
			.subarray(offset)
			.toString('utf8')
			.split('\n')
			.map((line) => line.match(/^(\d\d):(\d\d):(\d\d)\.(\d{3}) (\w+)\s+(\S+) (\d{3})/))
			.filter(Boolean)
			.map(([, h, m, s, ms, , p, status]) => ({ at: ((+h * 60 + +m) * 60 + +s) * 1000 + +ms, path: p, status: +status }));
	return { size, since };
}

/** Spacing figures for the API calls in a slice of the simulator's log. */
function callFigures(entries) {
	const calls = entries.filter((e) => e.path.startsWith('/v1/'));
	const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at);
	let busiest = 0;
	for (let i = 0, j = 0; i < calls.length; i++) {
		while (calls[i].at - calls[j].at >= 1000) j++;
		busiest = Math.max(busiest, i - j + 1);
	}
	return { calls: calls.length, minGapMs: gaps.length ? Math.min(...gaps) : 0, busiestSecond: busiest, refused: calls.filter((c) => c.status === 403) };
}

async function newExecutionId(api, workflowId, known, timeoutMs = 60_000) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const t0 = Date.now();
	for (;;) {
		const list = await api('GET', `/rest/executions?filter=${filter}&limit=20`);
		const fresh = (list.results ?? list).map((e) => e.id).find((id) => !known.has(id));
		if (fresh) return fresh;
		if (Date.now() - t0 > timeoutMs) throw new Error(`no execution of ${workflowId} appeared within ${timeoutMs / 1000} s`);
		await sleep(200);
	}
}

async function executionIds(api, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await api('GET', `/rest/executions?filter=${filter}&limit=100`);
	return new Set((list.results ?? list).map((e) => e.id));
}

async function workerOf(cluster, executionId, timeoutMs = 30_000) {
	const t0 = Date.now();
	for (;;) {
		const worker = workerOfExecution(cluster, executionId);
		if (worker || Date.now() - t0 > timeoutMs) return worker;
		await sleep(100);
	}
}

/**
 * Starts two link workflows "together": the second once a worker has taken the first, so Bull
 * hands it to the other worker (the first one, at its concurrency of 1, takes nothing more).
 */
async function runPair(ctx, ids, files, afterStart) {
	const { cluster, api } = ctx;
	const known = await Promise.all(ids.map(async (id) => await executionIds(api, id)));
	const t0 = Date.now();
	const call = async (id, list) => {
		const res = await callWebhook(`${cluster.base}/webhook/${id}`, { files: list });
		const text = await res.text();
		return { ok: res.ok, status: res.status, items: res.ok ? JSON.parse(text) : [], text, doneAt: Date.now() };
	};
	const first = call(ids[0], files[0]);
	const firstExecution = await newExecutionId(api, ids[0], known[0]);
	const firstWorker = await workerOf(cluster, firstExecution);
	const secondStartedAfter = Date.now() - t0;
	const second = call(ids[1], files[1]);
	const secondExecution = await newExecutionId(api, ids[1], known[1]);
	const secondWorker = await workerOf(cluster, secondExecution);
	await afterStart?.();
	const results = await Promise.all([first, second]);
	const failures = await Promise.all(
		results.map(async (r, i) => (r.ok ? '' : `${ids[i]}: HTTP ${r.status} ${r.text.slice(0, 200)}\n${describeFailure(await lastExecution(api, cluster.n8n.dir, ids[i]))}`)),
	);
	return {
		ms: Math.max(...results.map((r) => r.doneAt)) - t0,
		secondStartedAfter,
		workers: [firstWorker, secondWorker],
		results,
		failures: failures.filter(Boolean).join('\n'),
	};
}

const floods = async (ctx) => (await ctx.sim.state()).stats.floodEvents ?? 0;
const endpointCount = async (ctx, endpoint) => (await ctx.sim.state()).stats.byEndpoint?.[endpoint] ?? 0;

// ---- the checks ----------------------------------------------------------------------------

async function sharedPacingPair(ctx) {
	const t = Date.now();
	const floodsBefore = await floods(ctx);
	const logStart = ctx.simLog.size();
	const pair = await runPair(ctx, ['queue-links-1', 'queue-links-2'], ctx.linkFiles);
	const figures = callFigures(ctx.simLog.since(logStart));
	const flooded = (await floods(ctx)) - floodsBefore;
	const ideal = 2 * ITEMS * SPACING_MS;
	const links = pair.results.map((r) => r.items.filter((i) => typeof i.downloadUrl === 'string').length);
	log(`      pair: ${secs(pair.ms)} for ${2 * ITEMS} calls (one pacer at ${SPACING_MS} ms: ${secs(ideal)}; ratio ${(pair.ms / ideal).toFixed(3)}, bound ${BOUND}); workers ${pair.workers.join(' + ')}; second started ${secs(pair.secondStartedAfter)} after the first`);
	log(`      simulator: ${figures.calls} API calls, ${flooded} flood events, busiest second ${figures.busiestSecond} calls, smallest gap ${figures.minGapMs} ms`);
	const problems = [];
	if (pair.failures) problems.push(pair.failures);
	if (links.some((n) => n !== ITEMS)) problems.push(`links returned: ${links.join(' + ')} (expected ${ITEMS} each)`);
	if (!pair.workers[0] || !pair.workers[1] || pair.workers[0] === pair.workers[1]) problems.push(`executions ran on ${pair.workers.map((w) => w ?? 'an unknown worker').join(' and ')}, not on two different workers`);
	if (flooded !== 0) problems.push(`${flooded} flood events`);
	if (pair.ms > BOUND * ideal) problems.push(`took ${secs(pair.ms)}, more than ${BOUND} × ${secs(ideal)}`);
	record(`two workflows × ${ITEMS} get-link items on two workers: no flood, within ${BOUND}x of one pacer`, problems.length === 0, Date.now() - t, problems.join('\n'));
	ctx.figures.pair = { ms: pair.ms, ideal, flooded, ...figures };
}

async function floodPausesBothWorkers(ctx) {
	const t = Date.now();
	const floodsBefore = await floods(ctx);
	const logStart = ctx.simLog.size();
	const workerLogStart = ctx.cluster.workers.map((w) => fs.statSync(w.logFile).size);
	// The pause (40 s × 0.8–1.2 jitter) outlasts the simulator's 30 s lock, so one flood is all it takes.
	const pair = await runPair(ctx, ['queue-flood-1', 'queue-flood-2'], ctx.floodFiles, async () => {
		await sleep(2000);
		await ctx.sim.faults({ match: 'download/get_token.cgi', kind: 'flood', times: 1 });
	});
	const entries = ctx.simLog.since(logStart);
	const figures = callFigures(entries);
	const flooded = (await floods(ctx)) - floodsBefore;
	const refusal = figures.refused[0];
	const after = refusal ? entries.find((e) => e.at > refusal.at && e.path.startsWith('/v1/')) : undefined;
	const silence = refusal && after ? after.at - refusal.at : undefined;
	const told = ctx.cluster.workers.map((w, i) => /Flood detected/.test(fs.readFileSync(w.logFile).subarray(workerLogStart[i]).toString('utf8')));
	log(`      flood answered at +${refusal ? secs(refusal.at - entries[0].at) : '?'} to ${ctx.cluster.workers.filter((_, i) => told[i]).map((w) => w.name).join(', ') || 'nobody'}; next call to the key ${silence === undefined ? 'never' : `${secs(silence)} later`}; flood events ${flooded}; pair took ${secs(pair.ms)}`);
	const problems = [];
	if (pair.failures) problems.push(pair.failures);
	if (pair.workers[0] === pair.workers[1]) problems.push(`both executions ran on ${pair.workers[0]}`);
	if (flooded !== 1) problems.push(`${flooded} flood events (expected exactly the injected one: any other means a worker called into the lock)`);
	if (told.filter(Boolean).length !== 1) problems.push(`workers told of a flood: ${told.filter(Boolean).length}`);
	if (silence === undefined || silence < 30_000) problems.push(`the key was called again ${silence === undefined ? 'never' : secs(silence)} after the flood (the lock lasts 30 s)`);
	record('a flood answered to one worker pauses the other worker\'s calls to that key too', problems.length === 0, Date.now() - t, problems.join('\n'));
	ctx.figures.flood = { flooded, silenceMs: silence };
}

async function databaseBinaryMode(ctx) {
	const { cluster, api, sim } = ctx;
	let t = Date.now();
	const workerLogStart = cluster.workers.map((w) => fs.statSync(w.logFile).size);
	const files = await Promise.all(
		[40_000, 150_000, 300_000].map(async (size, i) => {
			const bytes = crypto.randomBytes(size);
			return { filename: `batch-${i + 1}.bin`, bytes, whirlpool: await whirlpool(bytes) };
		}),
	);
	try {
		const res = await callWebhook(`${cluster.base}/webhook/queue-upload`, { files: files.map((f) => ({ filename: f.filename, contentBase64: f.bytes.toString('base64') })) });
		const text = await res.text();
		if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}\n${describeFailure(await lastExecution(api, cluster.n8n.dir, 'queueUpload'))}`);
		const out = JSON.parse(text);
		const stored = (await sim.state()).files;
		const problems = files
			.map((f, i) => {
				const file = stored.find((s) => s.url === out[i]?.url);
				if (!file) return `${f.filename}: not stored (output ${JSON.stringify(out[i])})`;
				const same = file.checksum === f.whirlpool;
				return file.size === f.bytes.length && same ? '' : `${f.filename}: stored ${file.size} bytes, Whirlpool ${same ? 'matches' : 'differs'}`;
			})
			.filter(Boolean);
		const noted = cluster.workers.some((w, i) => /from n8n's database binary data mode, in which n8n holds the whole file in memory/.test(fs.readFileSync(w.logFile).subarray(workerLogStart[i]).toString('utf8')));
		if (!noted) problems.push('no worker logged that n8n holds the file in memory in database mode');
		record(`database binary mode: batch upload of ${files.length} files, bytes verified by 1fichier's Whirlpool checksum, memory note logged`, problems.length === 0, Date.now() - t, problems.join('\n'));
	} catch (e) {
		record('database binary mode: batch upload', false, Date.now() - t, e.message);
	}

	t = Date.now();
	try {
		const bytes = crypto.randomBytes(400_000);
		const file = await sim.addFile(ctx.folders.links, 'download-me.bin', bytes);
		const res = await callWebhook(`${cluster.base}/webhook/queue-download`, { url: file.url });
		const text = await res.text();
		if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}\n${describeFailure(await lastExecution(api, cluster.n8n.dir, 'queueDownload'))}`);
		const [item] = JSON.parse(text);
		const same = Buffer.from(item.base64, 'base64').equals(bytes);
		const inDatabase = String(item.id).startsWith('database:');
		record(
			'database binary mode: download, bytes verified, binary stored by n8n in its database',
			same && inDatabase,
			Date.now() - t,
			`bytes ${same ? 'match' : 'differ'}; binary id ${item.id}`,
		);
	} catch (e) {
		record('database binary mode: download', false, Date.now() - t, e.message);
	}

	t = Date.now();
	try {
		const file = await sim.addFile(ctx.folders.links, 'too-big.bin', crypto.randomBytes(DB_MAX_MIB * 1024 * 1024 + 512 * 1024));
		const infosBefore = await endpointCount(ctx, 'file/info.cgi');
		const res = await callWebhook(`${cluster.base}/webhook/queue-download`, { url: file.url });
		await res.text();
		const exec = await lastExecution(api, cluster.n8n.dir, 'queueDownload');
		const error = exec?.data?.resultData?.runData?.Download?.[0]?.error ?? {};
		// The node stops at the download's headers: file/info, asked while the body would flow, never is.
		const infos = (await endpointCount(ctx, 'file/info.cgi')) - infosBefore;
		const ok = /N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE/.test(error.message) && /Get Link/.test(error.description) && infos === 0;
		log(`      refused: ${error.message}`);
		record('database binary mode: a download over N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE fails at its headers, naming the setting', ok, Date.now() - t, `${describeFailure(exec)}
file/info calls: ${infos}`);
	} catch (e) {
		record('database binary mode: too-big download refused', false, Date.now() - t, e.message);
	}
}

async function triggerEmitsOnce(ctx) {
	const { cluster, api, sim } = ctx;
	const t = Date.now();
	const listings = async () => await endpointCount(ctx, 'file/ls.cgi');
	const waitForListing = async (before, timeoutMs) => {
		const t0 = Date.now();
		while ((await listings()) === before && Date.now() - t0 < timeoutMs) await sleep(250);
	};
	try {
		let before = await listings();
		await activate(api, 'queueTrigger');
		await waitForListing(before, 70_000); // the activation poll records what is there
		await sleep(1000);
		const landed = await sim.addFile(ctx.folders.incoming, 'queue-landed.txt', 'landed while the workers wait');
		let result = { messages: [], failedRuns: [] };
		while (Date.now() - t < 180_000) {
			result = await triggerMessages(api, cluster.n8n.dir, 'queueTrigger');
			if (result.messages.some((m) => m.includes('queue-landed.txt'))) break;
			await sleep(2000);
		}
		const emittedAfter = Date.now() - t;
		// One more poll must not emit it again.
		before = await listings();
		await waitForListing(before, 75_000);
		await sleep(5000);
		result = await triggerMessages(api, cluster.n8n.dir, 'queueTrigger');
		const mine = result.messages.filter((m) => m.includes('queue-landed.txt'));
		log(`      emitted after ${secs(emittedAfter)}; messages: ${JSON.stringify(result.messages)}`);
		const ok = mine.length === 1 && mine[0].includes(landed.url) && result.messages.length === 1 && result.failedRuns.length === 0;
		record('an activated trigger (polled by the main) emits a new file once', ok, Date.now() - t, result.failedRuns.join('\n'));
	} catch (e) {
		record('an activated trigger emits a new file once', false, Date.now() - t, e.message);
	} finally {
		await api('POST', '/rest/workflows/queueTrigger/deactivate', {}).catch(() => undefined);
	}
}

async function inProcessControl(ctx) {
	const { cluster } = ctx;
	log(`\ncontrol: restarting the workers with ONEFICHIER_SHARED_RATE_LIMITS=false (each process paces itself)…`);
	await cluster.stopWorkers();
	await cluster.startWorkers({ ONEFICHIER_SHARED_RATE_LIMITS: 'false' });
	const files = ctx.linkFiles.map((list) => list.slice(0, CONTROL_ITEMS));
	const floodsBefore = await floods(ctx);
	const logStart = ctx.simLog.size();
	let pair;
	try {
		pair = await runPair(ctx, ['queue-links-1', 'queue-links-2'], files);
	} catch (e) {
		// Not judged: what it is for (the floods) is still reported when the pair cannot finish.
		const figures = callFigures(ctx.simLog.since(logStart));
		log(`INFO  control (in-process pacing, not judged) did not finish: ${e.message} (${e.cause?.code ?? 'no code'}); so far ${figures.calls} API calls, ${(await floods(ctx)) - floodsBefore} flood events`);
		return;
	}
	const figures = callFigures(ctx.simLog.since(logStart));
	const flooded = (await floods(ctx)) - floodsBefore;
	const ideal = 2 * CONTROL_ITEMS * SPACING_MS;
	ctx.figures.control = { ms: pair.ms, ideal, flooded, ...figures, failed: !!pair.failures };
	log(`INFO  control (in-process pacing, not judged): ${figures.calls} API calls (${figures.refused.length} refused) on ${pair.workers.join(' + ')} took ${secs(pair.ms)} (${(pair.ms / ideal).toFixed(2)}x one pacer), ${flooded} flood events, busiest second ${figures.busiestSecond} calls${pair.failures ? `; failures:\n${pair.failures}` : ''}`);
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
	fs.rmSync(artifacts, { recursive: true, force: true });
	fs.mkdirSync(artifacts, { recursive: true });
	await buildPackage();

	const simLogFile = path.join(artifacts, 'simulator.log');
	const simulator = await startSimulator({ port: await freePort(0), seed: 'empty', timeScale: 1, logFile: simLogFile });
	const sim = simulatorControl(simulator.origin);
	log(`simulator ${simulator.baseUrl} (real limits: 3 calls/s per key, 30 s flood lock)`);
	const folders = {
		links: (await sim.addFolder(0, 'links')).id,
		incoming: (await sim.addFolder((await sim.addFolder(0, 'queue')).id, 'incoming')).id,
	};
	await sim.seed(folders.links, 2 * ITEMS, 'link-');
	const urls = (await sim.state()).files.filter((f) => f.folderId === folders.links).map((f) => ({ url: f.url }));
	const ctx = {
		sim,
		folders,
		simLog: simLog(simLogFile),
		linkFiles: [urls.slice(0, ITEMS), urls.slice(ITEMS, 2 * ITEMS)],
		floodFiles: [urls.slice(0, 20), urls.slice(20, 40)],
		figures: {},
	};

	const dbLimit = { N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(DB_MAX_MIB), EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all' };
	const cluster = await startQueueCluster({
		dir: path.join(artifacts, 'cluster'),
		credential: SIM_CREDENTIAL,
		apiKey: simulator.apiKey,
		credBaseUrl: simulator.baseUrl,
		concurrency: WORKER_CONCURRENCY,
		mainEnv: dbLimit,
		workerEnv: dbLimit,
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
		];
		await importWorkflows(cluster.n8n, cluster.mainEnv, [...webhookWorkflows, triggerWorkflow()]);
		({ api: ctx.api } = await signIn(cluster.base, cluster.owner));
		for (const wf of webhookWorkflows) await activate(ctx.api, wf.id);

		await sharedPacingPair(ctx);
		await floodPausesBothWorkers(ctx);
		await databaseBinaryMode(ctx);
		await triggerEmitsOnce(ctx);
		if (CONTROL_ITEMS > 0) await inProcessControl(ctx);
		printFigures(ctx.figures);
	} finally {
		await cluster.stop();
		await simulator.stop();
	}
}

function printFigures({ pair, flood, control }) {
	log('\nfigures');
	if (pair) log(`  shared pacing:     ${pair.calls} calls in ${secs(pair.ms)} (${(pair.ms / pair.ideal).toFixed(3)}x of ${secs(pair.ideal)}), ${pair.flooded} flood events, busiest second ${pair.busiestSecond} calls`);
	if (flood) log(`  flood propagation: ${flood.flooded} flood event, key silent ${flood.silenceMs === undefined ? '?' : secs(flood.silenceMs)} after it on both workers`);
	if (control) log(`  in-process pacing: ${control.calls} calls (${control.refused.length} refused) in ${secs(control.ms)} (${(control.ms / control.ideal).toFixed(2)}x), ${control.flooded} flood events, busiest second ${control.busiestSecond} calls`);
}

main()
	.catch((e) => record('queue harness', false, 0, e.stack ?? e.message))
	.finally(finish);

// The queue suite's checks. Each takes the suite's context (`ctx`: the cluster, a signed-in `api`,
// the simulator's control and log, folders, files, `record`) and records one verdict or more.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { whirlpool } from 'hash-wasm';
import { activate, callWebhook, describeFailure, lastExecution, triggerMessages } from '../../../stack/n8nApi.mjs';
import { log } from '../../../stack/provision.mjs';
import { sha512OfFile, writeRandomFile } from '../files.mjs';
import { callFigures, pacedSpan, runPair } from './observe.mjs';

const MiB = 1024 * 1024;
export const SPACING_MS = 500; // the node's default Request Spacing
/**
 * How much longer than one pacer's the pair's paced calls may take. CI runs this suite beside jest
 * and the e2e suite on two cores, where a loaded worker is sometimes late with its next call and
 * leaves a gap pacing did not make (1.129x once, 1.048x on a quiet machine); pacing per worker
 * instead of per key measured 1.44x to 4.07x, with floods, so 1.2 still tells them apart.
 */
const BOUND = 1.2;
/** Past every buffer of the download path (issue 15: at least 3 × the largest ring or pool). */
const BIG_MIB = 64;
/** The database binary mode's limit for this run (MiB): room for BIG_MIB, so a file just above it is "too big". */
export const DB_MAX_MIB = BIG_MIB + 1;

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha512 = (bytes) => crypto.createHash('sha512').update(bytes).digest('hex');
const floods = async (ctx) => (await ctx.sim.state()).stats.floodEvents ?? 0;
const endpointCount = async (ctx, endpoint) => (await ctx.sim.state()).stats.byEndpoint?.[endpoint] ?? 0;

/** Calls a workflow's webhook; its JSON answer, or an error with n8n's account of the failure. */
async function runWebhook(ctx, webhookPath, workflowId, payload) {
	const res = await callWebhook(`${ctx.cluster.base}/webhook/${webhookPath}`, payload);
	const text = await res.text();
	if (!res.ok) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}\n${describeFailure(await lastExecution(ctx.api, ctx.cluster.n8n.dir, workflowId))}`);
	return JSON.parse(text);
}

/**
 * Two workflows of get-link calls, one on each worker, sharing the key's pacing through Redis:
 * no flood, and the calls follow each other at the key's spacing, as one pacer would place them
 * (judged on the simulator's log, from the first call to the last, so the time n8n takes to start
 * and answer the executions is no part of it).
 */
export async function sharedPacingPair(ctx, items) {
	const t = Date.now();
	const floodsBefore = await floods(ctx);
	const logStart = ctx.simLog.size();
	const files = [ctx.linkUrls.slice(0, items), ctx.linkUrls.slice(items, 2 * items)];
	const pair = await runPair(ctx, ['queue-links-1', 'queue-links-2'], files);
	const entries = ctx.simLog.since(logStart);
	const figures = callFigures(entries);
	const span = pacedSpan(entries, 'download/get_token.cgi');
	const onePacer = (span.calls - 1) * SPACING_MS;
	const ratio = span.spanMs / onePacer;
	const flooded = (await floods(ctx)) - floodsBefore;
	const links = pair.results.map((r) => r.items.filter((i) => typeof i.downloadUrl === 'string').length);
	log(`      pair: ${span.calls} calls over ${secs(span.spanMs)} (one pacer at ${SPACING_MS} ms: ${secs(onePacer)}; ratio ${ratio.toFixed(3)}, bound ${BOUND}); both workflows answered ${secs(pair.ms)} after the first was started; workers ${pair.workers.join(' + ')}; second started ${secs(pair.secondStartedAfter)} after the first`);
	log(`      simulator: ${figures.calls} API calls, ${flooded} flood events, busiest second ${figures.busiestSecond} calls, smallest gap ${figures.minGapMs} ms`);
	const problems = [];
	if (pair.failures) problems.push(pair.failures);
	if (links.some((n) => n !== items)) problems.push(`links returned: ${links.join(' + ')} (expected ${items} each)`);
	if (!pair.workers[0] || !pair.workers[1] || pair.workers[0] === pair.workers[1]) problems.push(`executions ran on ${pair.workers.map((w) => w ?? 'an unknown worker').join(' and ')}, not on two different workers`);
	if (flooded !== 0) problems.push(`${flooded} flood events`);
	if (span.calls < 2 * items) problems.push(`${span.calls} calls seen between the first and the last get-link call (expected ${2 * items} at least)`);
	if (ratio > BOUND) problems.push(`the calls took ${secs(span.spanMs)}, more than ${BOUND} × ${secs(onePacer)}`);
	record(ctx, `two workflows × ${items} get-link items on two workers: no flood, paced within ${BOUND}x of one pacer`, problems, t);
	ctx.figures.pair = { wallMs: pair.ms, spanMs: span.spanMs, onePacer, flooded, ...figures, calls: span.calls };
}

export async function floodPausesBothWorkers(ctx) {
	const t = Date.now();
	const floodsBefore = await floods(ctx);
	const logStart = ctx.simLog.size();
	const workerLogStart = ctx.cluster.workers.map((w) => fs.statSync(w.logFile).size);
	// The pause (40 s × 0.8–1.2 jitter) outlasts the simulator's 30 s lock, so one flood is all it takes.
	const pair = await runPair(ctx, ['queue-flood-1', 'queue-flood-2'], [ctx.linkUrls.slice(0, 20), ctx.linkUrls.slice(20, 40)], async () => {
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
	record(ctx, "a flood answered to one worker pauses the other worker's calls to that key too", problems, t);
	ctx.figures.flood = { flooded, silenceMs: silence };
}

export async function batchUpload(ctx) {
	const t = Date.now();
	const name = "database binary mode: batch upload of 3 files, bytes verified by 1fichier's Whirlpool checksum, memory note logged";
	try {
		const workerLogStart = ctx.cluster.workers.map((w) => fs.statSync(w.logFile).size);
		const files = await Promise.all(
			[40_000, 150_000, 300_000].map(async (size, i) => {
				const bytes = crypto.randomBytes(size);
				return { filename: `batch-${i + 1}.bin`, bytes, whirlpool: await whirlpool(bytes) };
			}),
		);
		const out = await runWebhook(ctx, 'queue-upload', 'queueUpload', { files: files.map((f) => ({ filename: f.filename, contentBase64: f.bytes.toString('base64') })) });
		const stored = (await ctx.sim.state()).files;
		const problems = files
			.map((f, i) => {
				const file = stored.find((s) => s.url === out[i]?.url);
				if (!file) return `${f.filename}: not stored (output ${JSON.stringify(out[i])})`;
				const same = file.checksum === f.whirlpool;
				return file.size === f.bytes.length && same ? '' : `${f.filename}: stored ${file.size} bytes, Whirlpool ${same ? 'matches' : 'differs'}`;
			})
			.filter(Boolean);
		const noted = ctx.cluster.workers.some((w, i) => /from n8n's database binary data mode, in which n8n holds the whole file in memory/.test(fs.readFileSync(w.logFile).subarray(workerLogStart[i]).toString('utf8')));
		if (!noted) problems.push('no worker logged that n8n holds the file in memory in database mode');
		record(ctx, name, problems, t);
	} catch (e) {
		record(ctx, name, [e.message], t);
	}
}

/** A download of BIG_MIB into the database store, written to disk by Read/Write Files. */
export async function bigDownload(ctx) {
	const t = Date.now();
	const name = `database binary mode: download of ${BIG_MIB} MiB, stored by n8n in its database, written to disk by Read/Write Files: the source's bytes (sha512)`;
	try {
		const bytes = crypto.randomBytes(BIG_MIB * MiB);
		const file = await ctx.sim.addFile(ctx.folders.links, `download-${BIG_MIB}MiB.bin`, bytes);
		const written = path.join(ctx.filesDir, `downloaded-${BIG_MIB}MiB.bin`);
		const [out] = await runWebhook(ctx, 'queue-download', 'queueDownload', { url: file.url, written });
		const problems = [];
		if (!String(out.binaryId).startsWith('database:')) problems.push(`binary id ${out.binaryId}: not in n8n's database`);
		if (out.download?.verified !== true) problems.push(`the node did not verify the download: ${JSON.stringify(out.download)}`);
		const same = (await sha512OfFile(written)) === sha512(bytes);
		if (!same) problems.push(`the file n8n wrote (${fs.statSync(written).size} bytes) differs from the source (${bytes.length} bytes)`);
		record(ctx, name, problems, t);
	} catch (e) {
		record(ctx, name, [e.message], t);
	}
}

export async function tooBigDownload(ctx) {
	const t = Date.now();
	const name = 'database binary mode: a download over N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE fails at its headers, naming the setting';
	try {
		const file = await ctx.sim.addFile(ctx.folders.links, 'too-big.bin', crypto.randomBytes(DB_MAX_MIB * MiB + MiB / 2));
		const infosBefore = await endpointCount(ctx, 'file/info.cgi');
		const res = await callWebhook(`${ctx.cluster.base}/webhook/queue-download`, { url: file.url, written: path.join(ctx.filesDir, 'too-big.bin') });
		await res.text();
		const exec = await lastExecution(ctx.api, ctx.cluster.n8n.dir, 'queueDownload');
		const error = exec?.data?.resultData?.runData?.Download?.[0]?.error ?? {};
		// The node stops at the download's headers: file/info, asked while the body would flow, never is.
		const infos = (await endpointCount(ctx, 'file/info.cgi')) - infosBefore;
		log(`      refused: ${error.message}`);
		const ok = /N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE/.test(error.message) && /Get Link/.test(error.description) && infos === 0;
		record(ctx, name, ok ? [] : [`${describeFailure(exec)}\nfile/info calls: ${infos}`], t);
	} catch (e) {
		record(ctx, name, [e.message], t);
	}
}

/** A restore drill in queue mode: a file read from disk, uploaded, downloaded again and written back. */
export async function restoreRoundTrip(ctx) {
	const t = Date.now();
	const name = `database binary mode: restore round trip of ${BIG_MIB} MiB (read from disk, upload, download, write to disk): the source's bytes (sha512), both transfers verified`;
	try {
		const source = await writeRandomFile(path.join(ctx.filesDir, `round-trip-${BIG_MIB}MiB.bin`), BIG_MIB);
		const restored = path.join(ctx.filesDir, `restored-${BIG_MIB}MiB.bin`);
		const [out] = await runWebhook(ctx, 'queue-round-trip', 'queueRoundTrip', { source, restored });
		const problems = [];
		if (out.upload?.verified !== true) problems.push(`the upload was not verified: ${JSON.stringify(out.upload)}`);
		if (out.download?.verified !== true) problems.push(`the download was not verified: ${JSON.stringify(out.download)}`);
		if ((await sha512OfFile(restored)) !== (await sha512OfFile(source))) problems.push(`the restored file (${fs.statSync(restored).size} bytes) differs from the source`);
		record(ctx, name, problems, t);
	} catch (e) {
		record(ctx, name, [e.message], t);
	}
}

/**
 * The activated file-landed trigger, polled by the main every minute: armed (activated, its first
 * poll over, a file dropped into the folder), then judged while the other checks run, once one
 * more poll has passed after the file was emitted. Resolves once armed, with `judged`.
 */
export async function fileLandedTrigger(ctx) {
	const t = Date.now();
	const name = 'an activated trigger (polled by the main) emits a new file once';
	const listings = async () => await endpointCount(ctx, 'file/ls.cgi');
	const before = await listings();
	await activate(ctx.api, 'queueTrigger');
	while ((await listings()) === before && Date.now() - t < 70_000) await sleep(250); // the activation poll records what is there
	await sleep(1000);
	const landed = await ctx.sim.addFile(ctx.folders.incoming, 'queue-landed.txt', 'landed while the workers wait');
	const judge = async () => {
		try {
			let result = { messages: [], failedRuns: [] };
			while (Date.now() - t < 180_000) {
				result = await triggerMessages(ctx.api, ctx.cluster.n8n.dir, 'queueTrigger');
				if (result.messages.some((m) => m.includes('queue-landed.txt'))) break;
				await sleep(2000);
			}
			const emittedAfter = Date.now() - t;
			// n8n polls at one fixed second of each minute: past the next poll, which must not emit it again.
			await sleep(65_000);
			result = await triggerMessages(ctx.api, ctx.cluster.n8n.dir, 'queueTrigger');
			const mine = result.messages.filter((m) => m.includes('queue-landed.txt'));
			log(`      trigger: emitted ${secs(emittedAfter)} after activation; messages: ${JSON.stringify(result.messages)}`);
			const ok = mine.length === 1 && mine[0].includes(landed.url) && result.messages.length === 1 && result.failedRuns.length === 0;
			record(ctx, name, ok ? [] : [`messages: ${JSON.stringify(result.messages)}`, ...result.failedRuns], t);
		} catch (e) {
			record(ctx, name, [e.message], t);
		} finally {
			await ctx.api('POST', '/rest/workflows/queueTrigger/deactivate', {}).catch(() => undefined);
		}
	};
	return { judged: judge() };
}

/** Not judged, run on demand: the pair again with each worker pacing itself (ONEFICHIER_SHARED_RATE_LIMITS=false). */
export async function inProcessControl(ctx, items) {
	const { cluster } = ctx;
	log(`\ncontrol: restarting the workers with ONEFICHIER_SHARED_RATE_LIMITS=false (each process paces itself)…`);
	await cluster.stopWorkers();
	await cluster.startWorkers({ ONEFICHIER_SHARED_RATE_LIMITS: 'false' });
	const files = [ctx.linkUrls.slice(0, items), ctx.linkUrls.slice(items, 2 * items)];
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
	const ideal = 2 * items * SPACING_MS;
	ctx.figures.control = { ms: pair.ms, ideal, flooded, ...figures, failed: !!pair.failures };
	log(`INFO  control (in-process pacing, not judged): ${figures.calls} API calls (${figures.refused.length} refused) on ${pair.workers.join(' + ')} took ${secs(pair.ms)} (${(pair.ms / ideal).toFixed(2)}x one pacer), ${flooded} flood events, busiest second ${figures.busiestSecond} calls${pair.failures ? `; failures:\n${pair.failures}` : ''}`);
}

function record(ctx, name, problems, t) {
	ctx.record(name, problems.length === 0, Date.now() - t, problems.join('\n'));
}

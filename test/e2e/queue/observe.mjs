// Watching a queue-mode run from outside: the simulator's request log, n8n's executions, the
// worker that ran each, and a pair of workflows started so that each lands on its own worker.
import fs from 'node:fs';

import { workerOfExecution } from '../../../stack/cluster.mjs';
import { callWebhook, describeFailure, lastExecution } from '../../../stack/n8nApi.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The simulator's request log (one `HH:MM:SS.mmm METHOD path status` line per request), read from an offset. */
export function simLog(file) {
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
export function callFigures(entries) {
	const calls = entries.filter((e) => e.path.startsWith('/v1/'));
	const gaps = calls.slice(1).map((c, i) => c.at - calls[i].at);
	let busiest = 0;
	for (let i = 0, j = 0; i < calls.length; i++) {
		while (calls[i].at - calls[j].at >= 1000) j++;
		busiest = Math.max(busiest, i - j + 1);
	}
	return { calls: calls.length, minGapMs: gaps.length ? Math.min(...gaps) : 0, busiestSecond: busiest, refused: calls.filter((c) => c.status === 403) };
}

/**
 * The paced stretch of a run: from the first to the last call to `endpoint`, and every API call of
 * the key in between (another workflow's calls share the key's slots, so they count).
 */
export function pacedSpan(entries, endpoint) {
	const mine = entries.filter((e) => e.path.includes(endpoint));
	if (mine.length < 2) return { calls: mine.length, spanMs: 0 };
	const [first, last] = [mine[0].at, mine.at(-1).at];
	const calls = entries.filter((e) => e.path.startsWith('/v1/') && e.at >= first && e.at <= last).length;
	return { calls, spanMs: last - first };
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
export async function runPair(ctx, ids, files, afterStart) {
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

/**
 * What a download's buffers cost in n8n's process. Downloads hand n8n a fresh 1 MiB buffer per
 * chunk (transfer/rawHttp.ts: n8n's database, S3 and Azure stores keep every chunk until the end, so
 * no buffer handed over may be written again); each counts as V8 external memory, and enough of it
 * starts a full garbage collection of the whole heap. This measures that cost in-process, the way
 * bench/whirlpool.ts runs transfers: the node in n8n-core's engine, filesystem binary mode, a
 * simulator in its own process, and BENCH_BALLAST_MIB of live objects in this heap, as n8n has
 * (its full collections cost in proportion to that). Per run: wall time, this process's CPU time
 * (every thread: the hashing worker's too), garbage collections (count and time, full and young),
 * peak RSS growth, peak memory of ArrayBuffers (live or awaiting collection); medians of BENCH_RUNS.
 *
 * The reference row is what any download into n8n costs here: the same token URL read by Node's
 * own http client (fresh 64 KiB buffers per socket read, the client n8n's HTTP Request node reads
 * through) into the same store with n8n-core's prepareBinaryData. It measures the GET and the store
 * only (no API call, no pacing wait), so compare its CPU, collections and memory, not its time.
 * BENCH_REFERENCE=0 leaves it out.
 *
 * Run it with the Node.js n8n runs on (the e2e suite's Node 24), as the figures depend on V8:
 *
 *   npm run build && nice ~/.cache/n8n-nodes-1fichier/node-24/node_modules/node/bin/node build/bench/downloadBuffers.js
 *   BENCH_MIB=256 BENCH_RUNS=5 BENCH_BALLAST_MIB=0 BENCH_VERIFY=0 BENCH_LINK_MIBPS=100 …
 *
 * Each downloaded copy is deleted from n8n's store once measured, and the store with it at the end.
 * Figures are for the report and the README, not a pass/fail test.
 */
import { spawn, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { once } from 'events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'fs';
import http from 'http';
import { prepareBinaryData } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { tmpdir } from 'os';
import path from 'path';
import { constants, PerformanceObserver } from 'perf_hooks';

import type { Simulator } from '../simulator';
import { binaryPath, ensureBinaryDataService, runNode } from '../test/helpers/n8n';

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_MIB ?? 1024);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BALLAST_MIB = Number(process.env.BENCH_BALLAST_MIB ?? 150);
const VERIFY = process.env.BENCH_VERIFY !== '0';
const REFERENCE = process.env.BENCH_REFERENCE !== '0';
/** BENCH_LINK_MIBPS: the simulator serves each download at that many MiB/s (simulator/link.ts), as a real link would. */
const LINK_MIBPS = Number(process.env.BENCH_LINK_MIBPS ?? 0);
const KEY = 'BENCH-FAKE-KEY-000000000000000000';
/** The simulator process keeps 1fichier's real limits: the node's defaults. */
const PRODUCTION_RATE_LIMITS = { requestSpacingMs: 500, floodWaitSeconds: 30, maxRetryWaitSeconds: 300 };

/** Live objects in this heap, as n8n's own (its loaded nodes, caches, the execution). */
function growHeap(mib: number): unknown[] {
	const ballast: unknown[] = [];
	const start = process.memoryUsage().heapUsed;
	while (process.memoryUsage().heapUsed - start < mib * MiB) {
		for (let index = 0; index < 10_000; index++) ballast.push({ index, name: `entry ${index}`, tags: [index, index + 1] });
	}
	return ballast;
}

async function writeTestFile(file: string, mib: number): Promise<void> {
	const out = createWriteStream(file);
	const block = randomBytes(MiB);
	for (let index = 0; index < mib; index++) {
		block.writeUInt32LE(index, 0);
		if (!out.write(Buffer.from(block))) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}

async function simulatorProcess(dataDir: string): Promise<{ child: ChildProcess; sim: Simulator }> {
	const cli = path.join(__dirname, '..', 'simulator', 'cli.js');
	const args = [cli, '--port', '0', '--seed', 'empty', '--data-dir', dataDir, '--key', KEY, '--quiet'];
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
	let printed = '';
	const baseUrl = await new Promise<string>((resolve, reject) => {
		child.stdout!.on('data', (text) => {
			printed += String(text);
			const found = /Base URL:\s+(\S+)/.exec(printed)?.[1];
			if (found) resolve(found);
		});
		child.once('exit', () => reject(new Error(`the simulator did not start:\n${printed}`)));
	});
	if (LINK_MIBPS > 0) {
		const origin = new URL(baseUrl).origin;
		const answer = await fetch(`${origin}/__simulator/limits`, { method: 'POST', body: JSON.stringify({ linkBytesPerSecond: LINK_MIBPS * MiB }) });
		if (!answer.ok) throw new Error(`the simulator refused the link speed: ${await answer.text()}`);
	}
	return { child, sim: { keys: [KEY], baseUrl } as Simulator };
}

function cpuSeconds(): number {
	const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Run {
	seconds: number;
	cpuSeconds: number;
	fullGcs: number;
	fullGcMs: number;
	youngGcs: number;
	youngGcMs: number;
	peakGrowthMiB: number;
	/** Peak of the memory held by ArrayBuffers (Buffers) in this process, live or not yet collected. */
	peakArrayBuffersMiB: number;
}

/** Runs `transfer` (which returns what n8n stored) and measures this process meanwhile. */
async function measured(transfer: () => Promise<IBinaryData>): Promise<Run> {
	const gcs: Array<{ kind: number; ms: number }> = [];
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) gcs.push({ kind: (entry as unknown as { detail: { kind: number } }).detail.kind, ms: entry.duration });
	});
	observer.observe({ entryTypes: ['gc'] });
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	let peakArrayBuffers = 0;
	const sampler = setInterval(() => {
		const usage = process.memoryUsage();
		peak = Math.max(peak, usage.rss);
		peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
	}, 10);
	const cpuBefore = cpuSeconds();
	const started = performance.now();
	let stored: IBinaryData;
	try {
		stored = await transfer();
	} finally {
		clearInterval(sampler);
		observer.disconnect();
	}
	const seconds = (performance.now() - started) / 1000;
	const cpu = cpuSeconds() - cpuBefore;
	if (stored.bytes !== SIZE_MIB * MiB) throw new Error(`n8n stored ${stored.bytes} bytes`);
	// A gibibyte per run: the disk would fill up otherwise.
	rmSync(binaryPath(stored), { force: true });
	const full = gcs.filter((gc) => gc.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
	const young = gcs.filter((gc) => gc.kind === constants.NODE_PERFORMANCE_GC_MINOR);
	const sum = (list: typeof gcs) => list.reduce((total, gc) => total + gc.ms, 0);
	return {
		seconds,
		cpuSeconds: cpu,
		fullGcs: full.length,
		fullGcMs: sum(full),
		youngGcs: young.length,
		youngGcMs: sum(young),
		peakGrowthMiB: (peak - baseline) / MiB,
		peakArrayBuffersMiB: peakArrayBuffers / MiB,
	};
}

async function download(sim: Simulator, url: string, verifyChecksum: boolean): Promise<Run> {
	return await measured(async () => {
		const result = await runNode(
			sim,
			{ resource: 'file', operation: 'download', file: { __rl: true, mode: 'url', value: url }, options: { verifyChecksum } },
			{ apiKey: KEY, rateLimits: PRODUCTION_RATE_LIMITS },
		);
		if (result.error) throw result.error;
		if (result.items[0].json.verified !== verifyChecksum) throw new Error(`verified: ${String(result.items[0].json.verified)}`);
		return result.items[0].binary!.data;
	});
}

/** A download token for `url`, asked as the node asks (after the key's pace). */
async function downloadToken(sim: Simulator, url: string): Promise<string> {
	await new Promise((resolve) => setTimeout(resolve, PRODUCTION_RATE_LIMITS.requestSpacingMs * 2));
	const answer = await fetch(`${sim.baseUrl}/download/get_token.cgi`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ url, single: 1 }),
	});
	const token = (await answer.json()) as { url?: string; message?: string };
	if (!token.url) throw new Error(`get_token: ${token.message ?? answer.status}`);
	return token.url;
}

/** The token URL read by Node's http client into n8n's store. */
async function referenceDownload(sim: Simulator, url: string): Promise<Run> {
	const tokenUrl = await downloadToken(sim, url);
	return await measured(async () => {
		const response = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(tokenUrl, resolve).once('error', reject));
		if (response.statusCode !== 200) throw new Error(`token URL: HTTP ${response.statusCode}`);
		return await prepareBinaryData(response, 'bench', 'bench', 'source.bin');
	});
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function describe(name: string, runs: Run[]): string {
	const of = (key: keyof Run) => runs.map((run) => run[key]);
	const range = (key: keyof Run, digits: number) => {
		const values = of(key);
		return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
	};
	return `| ${name} | ${range('seconds', 2)} s | ${range('cpuSeconds', 2)} s | ${range('fullGcs', 0)}, ${range('fullGcMs', 0)} ms | ${range('youngGcs', 0)}, ${range('youngGcMs', 0)} ms | ${range('peakGrowthMiB', 0)} MiB | ${range('peakArrayBuffersMiB', 0)} MiB |`;
}

async function main(): Promise<void> {
	const work = mkdtempSync(path.join(tmpdir(), 'bench-download-buffers-'));
	const { child, sim } = await simulatorProcess(path.join(work, 'sim'));
	try {
		const file = path.join(work, 'source.bin');
		await writeTestFile(file, SIZE_MIB);
		const stored = await runNode(
			sim,
			{ resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: { __rl: true, mode: 'id', value: '0' }, options: { verifyChecksum: false } },
			{ apiKey: KEY, items: [{ files: [{ path: file, fileName: 'source.bin' }] }], rateLimits: PRODUCTION_RATE_LIMITS },
		);
		if (stored.error) throw stored.error;
		const url = stored.items[0].json.url as string;
		const ballast = growHeap(BALLAST_MIB);
		const link = LINK_MIBPS > 0 ? `, over a ${LINK_MIBPS} MiB/s link` : '';
		console.log(`${SIZE_MIB} MiB download${link}, ${RUNS} runs, heap ${(process.memoryUsage().heapUsed / MiB).toFixed(0)} MiB used (${ballast.length} ballast objects), Node ${process.version}`);
		await ensureBinaryDataService();
		const unverified: Run[] = [];
		const verified: Run[] = [];
		const reference: Run[] = [];
		for (let turn = 0; turn < RUNS; turn++) {
			unverified.push(await download(sim, url, false));
			if (VERIFY) verified.push(await download(sim, url, true));
			if (REFERENCE) reference.push(await referenceDownload(sim, url));
		}
		console.log('| | time | CPU (this process) | full GCs, their time | young GCs, their time | peak RSS growth | peak ArrayBuffer memory |');
		console.log('|---|---|---|---|---|---|---|');
		console.log(describe('unverified', unverified));
		if (VERIFY) console.log(describe('verified', verified));
		if (REFERENCE) console.log(describe('reference: Node\'s http client, GET and store only', reference));
	} finally {
		child.kill('SIGTERM');
		await once(child, 'exit');
		rmSync(work, { recursive: true, force: true });
		// n8n's folder (its store included), made for this process by test/helpers/n8n.ts.
		if (process.env.N8N_USER_FOLDER) rmSync(process.env.N8N_USER_FOLDER, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error: Error) => {
		console.error(error);
		process.exit(1);
	},
);

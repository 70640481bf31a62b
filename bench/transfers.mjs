#!/usr/bin/env node
// npm run bench: what a user gets. Uploads and downloads through the 1fichier node with its
// defaults (Verify Checksum on) in a real n8n (the one the e2e suite installs: n8n 2.41.1 on
// Node.js 24), next to n8n's HTTP Request node doing the same steps, against the local simulator,
// which stores what it receives (1fichier does). Also the node unverified, the Whirlpool of the
// same bytes alone with each engine (OpenSSL in n8n's process, the helper process, hash-wasm),
// curl for context, and n8n's memory in filesystem and database binary data modes.
//
// Every n8n measurement is one fresh `n8n execute --id` process: times are the measured nodes'
// executionTime from n8n's execution data, memory the process's RSS sampled every 10 ms. Runs
// interleave the rows, so a slow minute on a shared machine hits every row alike; each figure is
// the median over runs, and each ratio the median of the ratios taken run by run.
//
//   npm run bench                                   # 64 MiB and 1 GiB, 3 runs (about 25 minutes)
//   BENCH_SIZES=64MiB BENCH_RUNS=1 npm run bench    # a quick check (about 3 minutes)
//   BENCH_ROWS=nodev-down,http-down npm run bench   # some rows (see ROWS below)
//   BENCH_DATABASE_SIZES=64MiB npm run bench        # sizes also run in database mode (default: those ≤ 512 MiB, n8n's limit there)
//   BENCH_SIM_CHECKSUMS=compute npm run bench       # the simulator hashes uploads itself (default: given, see below)
//   BENCH_PROFILE=cpu npm run bench                 # --cpu-prof of every n8n process (also: heap; gc: each collection, when and why it started)
//   BENCH_LINK_MIBPS=100 npm run bench:transfers    # over a 100 MiB/s link, not loopback (results: transfers-link.{md,json})
//   SKIP_BUILD=1 npm run bench                      # use the existing dist/ and build/
//
// Output: the tables and each target's verdict on stdout; bench/results/transfers.md and
// bench/results/transfers.json (medians, kept in the repository); the documentation's block of
// bench/results/transfers.md (docs/benchmark.md) is rewritten from it (bench/includeResults.mjs);
// every sample in test-artifacts/bench/.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { buildPackage } from '../stack/build.mjs';
import { SIM_CREDENTIAL, importWorkflows, prepareN8n } from '../stack/instance.mjs';
import { freePort, repoRoot } from '../stack/n8n.mjs';
import { log } from '../stack/provision.mjs';
import { simulatorControl, startSimulator } from '../stack/simulator.mjs';
import { includeResults } from './includeResults.mjs';
import { downloadedBytes, nodeVerified, rowWorkflows, uploadedFile } from './workflows.mjs';

const MiB = 1048576;

/** "64MiB,1GiB" (or plain MiB numbers) → [64, 1024]. */
function parseSizes(text) {
	return text
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((part) => {
			const match = /^(\d+(?:\.\d+)?)\s*(GiB|MiB)?$/i.exec(part);
			if (!match) throw new Error(`BENCH_SIZES: "${part}" is not a size like 64MiB or 1GiB`);
			return Math.round(Number(match[1]) * (match[2]?.toLowerCase() === 'gib' ? 1024 : 1));
		});
}

const SIZES = parseSizes(process.env.BENCH_SIZES ?? process.env.BENCH_MIB ?? '64MiB,1GiB');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** n8n keeps a database-mode binary whole in memory, up to N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE (512 MiB by default). */
const DATABASE_SIZES = process.env.BENCH_DATABASE_SIZES !== undefined ? parseSizes(process.env.BENCH_DATABASE_SIZES) : SIZES.filter((size) => size <= 512);
/**
 * 1fichier hashes what it receives on its own servers; the simulator, on the two cores n8n uses,
 * would take their CPU for it. By default it stores uploads (written to disk, like the service)
 * and answers the checksum of the source computed beforehand; `compute` makes it hash them.
 */
const SIM_CHECKSUMS = process.env.BENCH_SIM_CHECKSUMS ?? 'given';
/**
 * BENCH_LINK_MIBPS: each download and upload crosses a link of that many MiB/s (the simulator paces
 * its bytes, simulator/link.ts) instead of loopback, which moves a GiB in about a second: what a
 * transfer costs when a real link, not the CPU, sets the pace. Its results go to
 * bench/results/transfers-link.{md,json}, beside the loopback ones.
 */
const LINK_MIBPS = process.env.BENCH_LINK_MIBPS ? Number(process.env.BENCH_LINK_MIBPS) : undefined;
if (LINK_MIBPS !== undefined && !(LINK_MIBPS > 0)) throw new Error('BENCH_LINK_MIBPS: a number of MiB/s above 0');
const RESULTS_NAME = LINK_MIBPS ? 'transfers-link' : 'transfers';
const PROFILE = process.env.BENCH_PROFILE;
const PROFILE_FLAGS = {
	cpu: (dir) => ['--cpu-prof', `--cpu-prof-dir=${dir}`],
	heap: (dir) => ['--heap-prof', `--heap-prof-dir=${dir}`],
	gc: () => ['--trace-gc', '--trace-incremental-marking'],
};

/**
 * The rows, in the order each run measures them. `workflow`: the key in workflows.mjs (default:
 * the row); `nodeFlags`: flags of n8n's Node.js.
 */
const ALL_ROWS = {
	'files-down': { label: 'Read/Write Files: into the store (the upload rows\' memory reference)' },
	'nodev-up': { label: 'the node, upload, verified (the default)' },
	'http-up': { label: 'HTTP Request node, upload' },
	'node-up': { label: 'the node, upload, unverified' },
	'curl-up': { label: 'curl, upload' },
	'nodev-down': { label: 'the node, download, verified (the default)' },
	'http-down': { label: 'HTTP Request node, download' },
	'node-down': { label: 'the node, download, unverified' },
	'curl-down': { label: 'curl, download' },
	hash: { label: 'Whirlpool alone, the package\'s engine in n8n (the helper process)' },
	'hash-native': { label: 'Whirlpool alone, OpenSSL in n8n\'s process (n8n started with --openssl-legacy-provider)', workflow: 'hash', nodeFlags: ['--openssl-legacy-provider'] },
	'hash-wasm': { label: 'Whirlpool alone, hash-wasm in a worker thread' },
	'store-up': { label: 'floor: out of n8n\'s store, no HTTP' },
	'store-down': { label: 'floor: into n8n\'s store, no HTTP' },
	'files-up': { label: 'Read/Write Files: out of the store' },
};
const DEFAULT_ROWS = ['files-down', 'nodev-up', 'http-up', 'node-up', 'curl-up', 'nodev-down', 'http-down', 'node-down', 'curl-down', 'hash', 'hash-native', 'hash-wasm'];
/** Rows also measured in database mode: the node's default against the HTTP Request node, with their memory references. */
const DATABASE_ROWS = ['files-down', 'nodev-up', 'http-up', 'nodev-down', 'http-down'];
const ROWS = process.env.BENCH_ROWS ? process.env.BENCH_ROWS.split(',') : DEFAULT_ROWS;
for (const row of ROWS) if (!ALL_ROWS[row]) throw new Error(`BENCH_ROWS: unknown row ${row} (${Object.keys(ALL_ROWS).join(', ')})`);
const sendsToSimulator = (row) => row.endsWith('-up') && !['store-up', 'files-up'].includes(row);
const SAMPLE_MS = 10;
/** Other processes' CPU (the helper) is read every this many samples: it reads several /proc files. */
const CHILD_SAMPLE_EVERY = 5;

const artifacts = path.join(repoRoot, 'test-artifacts', 'bench');
const resultsDir = path.join(repoRoot, 'bench', 'results');
const userFolder = path.join(artifacts, 'n8n');
const dataDir = path.join(artifacts, 'data');
const storeDir = path.join(artifacts, 'store');

async function makeFile(file, mib) {
	if (fs.existsSync(file) && fs.statSync(file).size === mib * MiB) return;
	const out = fs.createWriteStream(file);
	const chunk = Buffer.alloc(MiB);
	for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
	for (let i = 0; i < mib; i++) {
		chunk.writeUInt32LE(i, 0);
		if (!out.write(Buffer.from(chunk))) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}

/** Installs bench/floor-node beside the package in the benchmark's n8n (never in a user's n8n). */
function installFloorNode() {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const target = path.join(nodesDir, 'node_modules', 'n8n-nodes-bench-floor');
	fs.rmSync(target, { recursive: true, force: true });
	fs.cpSync(path.join(repoRoot, 'bench', 'floor-node'), target, { recursive: true });
	const ledger = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8'));
	ledger.dependencies['n8n-nodes-bench-floor'] = '0.0.1';
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify(ledger, null, 2));
}

/** Flushes dirty pages first, so one measurement's disk writeback does not slow the next one. */
const settleDisk = () => execFileSync('sync');

async function apiCall(sim, endpoint, body, retry = true) {
	let response;
	try {
		response = await fetch(`${sim.baseUrl}/${endpoint}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
	} catch (error) {
		// fetch may reuse a kept-alive connection the server has just closed: once more, fresh.
		if (retry) return await apiCall(sim, endpoint, body, false);
		throw error;
	}
	const json = await response.json();
	// The simulator paces keys like 1fichier (about 3 calls a second): stay well below, and leave
	// the key idle for the next measurement (a transfer's calls go together on an idle key).
	await new Promise((resolve) => setTimeout(resolve, 1600));
	return json;
}

function curlMs(args) {
	settleDisk();
	const start = process.hrtime.bigint();
	execFileSync('curl', ['-sS', '--fail', ...args]);
	return Number(process.hrtime.bigint() - start) / 1e6;
}

async function curlUpload(sim, file, name) {
	const server = await apiCall(sim, 'upload/get_upload_server.cgi', {});
	const ms = curlMs([
		'-o', '/dev/null', '-H', `Authorization: Bearer ${sim.apiKey}`, '-F', 'did=0',
		'-F', `file[]=@${file};filename=${name}`, `http://${server.url}/upload.cgi?id=${server.id}`,
	]);
	const end = JSON.parse(execFileSync('curl', ['-sS', '-H', 'JSON: 1', `http://${server.url}/end.pl?xid=${server.id}`]).toString());
	return { ms, url: end.links[0].download };
}

async function curlDownload(sim, url, target) {
	const token = await apiCall(sim, 'download/get_token.cgi', { url });
	const ms = curlMs(['-o', target, token.url]);
	fs.rmSync(target, { force: true });
	return { ms };
}

// ---- sampling n8n and the simulator ----------------------------------------------------------

/** utime + stime (+ cutime + cstime: children already reaped) in ms, and RSS, of a process. */
function processFigures(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		// Fields 14-17 of /proc/<pid>/stat: utime, stime, cutime, cstime, in clock ticks (1/100 s).
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return {
			rssMiB: Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024,
			cpuMs: (Number(fields[11]) + Number(fields[12])) * 10,
			reapedChildrenMs: (Number(fields[13]) + Number(fields[14])) * 10,
		};
	} catch {
		return undefined; // the process has exited
	}
}

/**
 * CPU (ms) of a process's threads named `name` (Node.js 24 names them): `WorkerThread`, its worker
 * threads (in the native and hash-wasm rows, the hashing worker); `V8Worker`, V8's own background
 * threads, which during a transfer mark and sweep n8n's heap for the garbage collector.
 */
function threadsCpuMs(pid, name) {
	let ticks = 0;
	try {
		for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
			const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
			if (!stat.includes(`(${name})`)) continue;
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(fields[11]) + Number(fields[12]);
		}
	} catch {
		return undefined;
	}
	return ticks * 10;
}

/** The package's Whirlpool helper processes among a process's children: CPU (ms) and RSS (MiB) of each. */
function helperProcesses(pid) {
	const helpers = [];
	let children = [];
	try {
		for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
			children.push(...fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean));
		}
	} catch {
		children = [];
	}
	for (const child of children) {
		try {
			if (!fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('whirlpool.process.js')) continue;
			const figures = processFigures(child);
			if (figures) helpers.push({ pid: child, ...figures });
		} catch {
			/* gone meanwhile */
		}
	}
	return helpers;
}

/**
 * Samples n8n and the simulator every 10 ms; every 5th sample also the CPU spent hashing: n8n's
 * worker threads, its live helper processes and those already reaped (their time is then n8n's
 * children's time, which no other child of n8n adds to before it exits), and the CPU of V8's
 * background threads in n8n.
 */
function sampler(pid, simulatorPid) {
	const samples = [];
	let tick = 0;
	let hashing;
	let v8ThreadsCpuMs;
	const timer = setInterval(() => {
		const n8n = processFigures(pid);
		if (!n8n) return;
		if (tick++ % CHILD_SAMPLE_EVERY === 0) {
			const helpers = helperProcesses(pid);
			const workers = threadsCpuMs(pid, 'WorkerThread');
			hashing = {
				cpuMs: (workers ?? 0) + n8n.reapedChildrenMs + helpers.reduce((sum, helper) => sum + helper.cpuMs, 0),
				helperRssMiB: helpers.reduce((sum, helper) => sum + helper.rssMiB, 0),
			};
			v8ThreadsCpuMs = threadsCpuMs(pid, 'V8Worker') ?? v8ThreadsCpuMs;
		}
		samples.push({ t: Date.now(), n8n, sim: processFigures(simulatorPid), hashing, v8ThreadsCpuMs });
	}, SAMPLE_MS);
	return { samples, stop: () => clearInterval(timer) };
}

/** Peak RSS and CPU of n8n, the simulator and the hashing between two instants. */
function windowFigures(samples, from, to) {
	const inside = samples.filter(({ t }) => t >= from - SAMPLE_MS && t <= to + SAMPLE_MS);
	const first = samples.filter(({ t }) => t <= from).at(-1) ?? inside[0];
	const last = inside.at(-1);
	return {
		peakMiB: Math.max(...inside.map((s) => s.n8n.rssMiB)),
		cpuMs: last.n8n.cpuMs - first.n8n.cpuMs,
		simCpuMs: (last.sim?.cpuMs ?? NaN) - (first.sim?.cpuMs ?? NaN),
		hashingCpuMs: (last.hashing?.cpuMs ?? 0) - (first.hashing?.cpuMs ?? 0),
		v8ThreadsCpuMs: (last.v8ThreadsCpuMs ?? 0) - (first.v8ThreadsCpuMs ?? 0),
		helperPeakMiB: Math.max(0, ...inside.map((s) => s.hashing?.helperRssMiB ?? 0)),
	};
}

// ---- one n8n execution -----------------------------------------------------------------------

/** The execution's JSON (`n8n execute --rawOutput` logs it as the last info line starting with `{`) and the Whirlpool engine line. */
function readOutput(stdout) {
	let execution;
	let engine;
	for (const line of stdout.split('\n')) {
		try {
			const entry = JSON.parse(line);
			if (typeof entry.message !== 'string') continue;
			if (entry.message.startsWith('{')) execution = entry.message;
			const said = /^1fichier: Whirlpool checksums \(Verify Checksum\) are computed by (.*)$/.exec(entry.message);
			if (said) engine = said[1];
		} catch {
			/* not a log line */
		}
	}
	return { execution: execution ? JSON.parse(execution) : undefined, engine };
}

function failureOf(execution, stdout) {
	const resultData = execution?.data?.resultData;
	if (!resultData) return stdout.split('\n').slice(-15).join('\n');
	const lines = [resultData.error?.message];
	for (const [node, runs] of Object.entries(resultData.runData ?? {})) {
		for (const run of runs) if (run.error) lines.push(`${node}: ${run.error.message} ${run.error.description ?? ''}`);
	}
	return lines.filter(Boolean).join('\n');
}

/** One fresh `n8n execute` process running one workflow. */
async function measureN8n(n8n, baseEnv, simulatorPid, label, spec, nodeFlags = [], attempt = 1) {
	const brokerPort = await freePort(0);
	const profileDir = path.join(artifacts, 'profiles', label);
	if (PROFILE) fs.mkdirSync(profileDir, { recursive: true });
	const profiling = PROFILE ? PROFILE_FLAGS[PROFILE](profileDir) : [];
	const env = { ...baseEnv, N8N_RUNNERS_BROKER_PORT: String(brokerPort) };
	settleDisk();
	const child = spawn(n8n.nodeBin, [...nodeFlags, ...profiling, n8n.n8nMain, 'execute', `--id=${spec.workflow.id}`, '--rawOutput'], {
		env,
		cwd: userFolder,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const sampling = sampler(child.pid, simulatorPid);
	let stdout = '';
	child.stdout.on('data', (d) => (stdout += d));
	child.stderr.on('data', (d) => (stdout += d));
	const [code, signal] = await once(child, 'close');
	sampling.stop();
	if (PROFILE) fs.writeFileSync(path.join(profileDir, 'output.log'), stdout);
	fs.rmSync(storeDir, { recursive: true, force: true });
	const { execution, engine } = readOutput(stdout);
	const runData = execution?.data?.resultData?.runData;
	// n8n 2.41's CLI now and then dies with SIGSEGV while it shuts down: the execution it printed
	// before is complete and counts; a crash before any output is retried.
	if (signal && !runData && attempt < 3) {
		log(`  (${label}: n8n exited with ${signal} before running the workflow; starting it again)`);
		return await measureN8n(n8n, baseEnv, simulatorPid, label, spec, nodeFlags, attempt + 1);
	}
	if ((code !== 0 && !signal) || !runData || execution.data.resultData.error) {
		throw new Error(`${label}: n8n execute exited with ${code ?? signal}\n${failureOf(execution, stdout)}`);
	}
	const run = (name) => runData[name][0];
	const time = (names) => names.reduce((sum, name) => sum + run(name).executionTime, 0);
	const from = spec.timed.length ? Math.min(...spec.timed.map((name) => run(name).startTime)) : Date.parse(execution.startedAt);
	const to = spec.timed.length
		? Math.max(...spec.timed.map((name) => run(name).startTime + run(name).executionTime))
		: Date.parse(execution.stoppedAt);
	return { ms: time(spec.timed), apiMs: time(spec.api ?? []), engine, ...windowFigures(sampling.samples, from, to), runData };
}

// ---- figures ---------------------------------------------------------------------------------

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const stats = (values) => (values.length ? { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length } : undefined);
const seconds = (ms) => (ms / 1000).toFixed(2);
const sizeName = (size) => (size >= 1024 ? `${size / 1024} GiB` : `${size} MiB`);
const signed = (mib) => `${mib < 0 ? '−' : '+'}${Math.abs(Math.round(mib))} MiB`;
const directionName = (direction) => (direction === 'up' ? 'upload' : 'download');

function valuesOf(results, { size, row, mode = 'filesystem', key = 'ms' }) {
	return results.filter((r) => r.size === size && r.row === row && r.mode === mode && r[key] !== undefined).map((r) => r[key]);
}

function timeCell(s) {
	if (!s) return '–';
	return s.n > 1 ? `${seconds(s.median)} s (${seconds(s.min)}–${seconds(s.max)})` : `${seconds(s.median)} s`;
}

/** Per run, `numerator(run) / denominator(run)`; their median, min and max. */
function pairedRatio(results, size, mode, numerator, denominator) {
	const ratios = [];
	for (let run = 1; run <= RUNS; run++) {
		const at = (row) => results.find((r) => r.run === run && r.size === size && r.mode === mode && r.row === row)?.ms;
		const top = numerator(at);
		const bottom = denominator(at);
		if (top !== undefined && bottom !== undefined && bottom > 0) ratios.push(top / bottom);
	}
	return stats(ratios);
}

const ratioCell = (s) => (!s ? '–' : s.n > 1 ? `${s.median.toFixed(2)}x (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : `${s.median.toFixed(2)}x`);

/**
 * Peak RSS growth of a row: its peak during the measured nodes minus the peak of the same workflow
 * without them: for downloads the baseline workflow (a trigger alone), for uploads the Read File
 * workflow that puts the file into the store (files-down), in the same binary data mode.
 */
function growth(results, size, row, mode) {
	const peak = stats(valuesOf(results, { size, row, mode, key: 'peakMiB' }))?.median;
	const reference = row.endsWith('-up')
		? stats(valuesOf(results, { size, row: 'files-down', mode, key: 'peakMiB' }))
		: stats(valuesOf(results, { size: 0, row: 'baseline', mode, key: 'peakMiB' }));
	return peak === undefined || !reference ? undefined : peak - reference.median;
}

function report(results, context) {
	const targets = [];
	const target = (name, value, limit) => targets.push({ name, value: value === undefined ? null : Number(value.toFixed(3)), limit, met: value === undefined ? null : value <= limit });
	const lines = [];
	const rows = [];
	const summaryOf = (size, row, mode = 'filesystem') => stats(valuesOf(results, { size, row, mode }));

	lines.push('### The node\'s default (verified) against n8n\'s HTTP Request node', '');
	lines.push('| transfer | the node, verified (default) | HTTP Request node | node ÷ HTTP Request node | target ≤ 1.00x |', '|---|---|---|---|---|');
	for (const size of SIZES) {
		for (const direction of ['up', 'down']) {
			const name = `${directionName(direction)} ${sizeName(size)}`;
			const node = summaryOf(size, `nodev-${direction}`);
			const http = summaryOf(size, `http-${direction}`);
			const ratio = pairedRatio(results, size, 'filesystem', (at) => at(`nodev-${direction}`), (at) => at(`http-${direction}`));
			if (!node && !http) continue;
			target(`${name}: the node (verified) ÷ HTTP Request node`, ratio?.median, 1.0);
			lines.push(`| ${name} | ${timeCell(node)} | ${timeCell(http)} | ${ratioCell(ratio)} | ${verdict(ratio?.median, 1.0)} |`);
			rows.push({ size, direction, mode: 'filesystem', verifiedMs: node?.median, httpRequestMs: http?.median, ratio: round(ratio?.median) });
		}
	}

	lines.push('', '### What verification costs', '');
	lines.push(
		'| transfer | unverified | hash alone (package\'s engine) | verified | verified ÷ max(unverified, hash alone) | target ≤ 1.10x | CPU hashing, verified |',
		'|---|---|---|---|---|---|---|',
	);
	for (const size of SIZES) {
		const hash = summaryOf(size, 'hash');
		for (const direction of ['up', 'down']) {
			const name = `${directionName(direction)} ${sizeName(size)}`;
			const plain = summaryOf(size, `node-${direction}`);
			const verified = summaryOf(size, `nodev-${direction}`);
			if (!verified || (!plain && !hash)) continue;
			const ratio = pairedRatio(
				results,
				size,
				'filesystem',
				(at) => at(`nodev-${direction}`),
				(at) => (at(`node-${direction}`) === undefined && at('hash') === undefined ? undefined : Math.max(at(`node-${direction}`) ?? 0, at('hash') ?? 0)),
			);
			const cpu = stats(valuesOf(results, { size, row: `nodev-${direction}`, key: 'hashingCpuMs' }));
			target(`${name}: verified ÷ max(unverified, hash alone)`, ratio?.median, 1.1);
			lines.push(`| ${name} | ${timeCell(plain)} | ${timeCell(hash)} | ${timeCell(verified)} | ${ratioCell(ratio)} | ${verdict(ratio?.median, 1.1)} | ${cpu ? `${seconds(cpu.median)} s` : '–'} |`);
			const entry = rows.find((r) => r.size === size && r.direction === direction && r.mode === 'filesystem');
			if (entry) Object.assign(entry, { unverifiedMs: plain?.median, hashAloneMs: hash?.median, verifiedOverBound: round(ratio?.median) });
		}
	}

	lines.push('', '### Where the CPU goes (medians, CPU seconds while the measured nodes run)', '');
	lines.push(
		`n8n's CPU counts every thread of its process: its main thread, libuv's, worker threads, and V8's background threads, which during a transfer mark and sweep n8n's heap for the garbage collector. Hashing: the helper process (or the hashing worker thread). This machine has ${os.cpus().length} cores: wall time × ${os.cpus().length} is all the CPU there is.`,
		'',
		'| transfer | row | wall | n8n, all threads | of it V8\'s background threads | hashing | simulator |',
		'|---|---|---|---|---|---|---|',
	);
	const cpuRows = [];
	const cpuCell = (ms) => (ms === undefined || Number.isNaN(ms) ? '–' : `${seconds(ms)} s`);
	for (const size of SIZES) {
		for (const direction of ['up', 'down']) {
			for (const [row, label] of [[`nodev-${direction}`, 'the node, verified'], [`node-${direction}`, 'the node, unverified'], [`http-${direction}`, 'HTTP Request node']]) {
				const of = (key) => stats(valuesOf(results, { size, row, key }))?.median;
				const wall = of('ms');
				if (wall === undefined || of('cpuMs') === undefined) continue;
				const figures = { wallMs: wall, n8nCpuMs: of('cpuMs'), v8ThreadsCpuMs: of('v8ThreadsCpuMs'), hashingCpuMs: row.startsWith('nodev-') ? of('hashingCpuMs') : undefined, simulatorCpuMs: of('simCpuMs') };
				cpuRows.push({ size, direction, row, ...figures });
				const cells = [figures.wallMs, figures.n8nCpuMs, figures.v8ThreadsCpuMs, figures.hashingCpuMs, figures.simulatorCpuMs].map(cpuCell);
				lines.push(`| ${directionName(direction)} ${sizeName(size)} | ${label} | ${cells.join(' | ')} |`);
			}
		}
	}

	lines.push('', '### Whirlpool alone in n8n, by engine (the stored binary, in a fresh n8n process)', '');
	lines.push('| size | OpenSSL in n8n\'s process (n8n started with --openssl-legacy-provider) | helper process (the default) | hash-wasm in a worker thread |', '|---|---|---|---|');
	const engines = [];
	for (const size of SIZES) {
		const cell = (row) => {
			const s = summaryOf(size, row);
			return s ? `${(size / (s.median / 1000)).toFixed(0)} MiB/s (${seconds(s.median)} s)` : '–';
		};
		if (!['hash-native', 'hash', 'hash-wasm'].some((row) => summaryOf(size, row))) continue;
		lines.push(`| ${sizeName(size)} | ${cell('hash-native')} | ${cell('hash')} | ${cell('hash-wasm')} |`);
		const mibPerSecond = (row) => (summaryOf(size, row) ? Number((size / (summaryOf(size, row).median / 1000)).toFixed(1)) : null);
		engines.push({ size, nativeMiBps: mibPerSecond('hash-native'), helperMiBps: mibPerSecond('hash'), hashWasmMiBps: mibPerSecond('hash-wasm') });
	}

	lines.push('', '### n8n\'s memory: peak RSS growth while the node runs', '');
	lines.push('| transfer | binary data mode | the node, verified | HTTP Request node | target | helper process\'s own peak RSS |', '|---|---|---|---|---|---|');
	for (const mode of ['filesystem', 'database']) {
		for (const size of mode === 'filesystem' ? SIZES : DATABASE_SIZES) {
			for (const direction of ['up', 'down']) {
				const name = `${directionName(direction)} ${sizeName(size)}`;
				const node = growth(results, size, `nodev-${direction}`, mode);
				if (node === undefined) continue;
				const http = growth(results, size, `http-${direction}`, mode);
				// Filesystem mode streams: +64 MiB at most. Database mode holds the whole file in n8n's
				// memory whoever stores it: at most 64 MiB more than the HTTP Request node's growth.
				const limit = mode === 'filesystem' ? 64 : (http ?? 0) + 64;
				const helper = stats(valuesOf(results, { size, row: `nodev-${direction}`, mode, key: 'helperPeakMiB' }));
				target(`${name}, ${mode} mode: n8n's memory growth with the node`, node, limit);
				lines.push(
					`| ${name} | ${mode} | ${signed(node)} | ${http === undefined ? '–' : signed(http)} | ${mode === 'filesystem' ? '≤ +64 MiB' : '≤ HTTP Request node + 64 MiB'}: ${node <= limit ? 'met' : 'NOT met'} | ${helper?.median ? `${Math.round(helper.median)} MiB` : '–'} |`,
				);
				const entry = rows.find((r) => r.size === size && r.direction === direction && r.mode === mode) ?? rows[rows.push({ size, direction, mode }) - 1];
				Object.assign(entry, { nodeGrowthMiB: Math.round(node), httpRequestGrowthMiB: http === undefined ? undefined : Math.round(http) });
			}
		}
	}

	const curl = [];
	for (const size of SIZES) {
		for (const direction of ['up', 'down']) {
			const s = summaryOf(size, `curl-${direction}`);
			if (s) curl.push(`${directionName(direction)} ${sizeName(size)} ${seconds(s.median)} s`);
		}
	}
	if (curl.length) lines.push('', `curl, the bytes alone against the same simulator (context): ${curl.join('; ')}.`);

	lines.push('', '### Targets (issue 17)', '');
	for (const t of targets) lines.push(`- ${t.met === null ? 'not measured' : t.met ? 'met' : '**NOT met**'}: ${t.name} = ${t.value === null ? '–' : t.name.includes('memory') ? signed(t.value) : `${t.value.toFixed(2)}x`} (limit ${t.name.includes('memory') ? signed(t.limit) : `${t.limit.toFixed(2)}x`})`);

	const header = [
		`n8n ${context.n8nVersion} on Node.js ${context.nodeVersion}, ${os.cpus().length} CPU cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${context.loadBefore} before and ${context.loadAfter} after;`,
		`${RUNS} run(s) of each row, one fresh n8n process per measurement, rows interleaved; binary data in filesystem mode unless said otherwise.`,
		`Times: median (min–max) of the measured nodes' executionTime; ratios: the median (min–max) of the ratios taken run by run.`,
		...(LINK_MIBPS
			? [`**Each download and upload crosses a link of ${LINK_MIBPS} MiB/s** (${((LINK_MIBPS * MiB * 8) / 1e6).toFixed(0)} Mbit/s): the simulator paces its bytes (BENCH_LINK_MIBPS, simulator/link.ts); curl shows the link alone.`]
			: []),
		`The simulator stores uploads (written to its disk) and ${SIM_CHECKSUMS === 'given' ? 'answers the checksum of the source computed beforehand (1fichier hashes on its own servers)' : 'hashes them itself, on the same cores'}.`,
		`Whirlpool engine in n8n: ${context.engine ?? 'not logged'}.`,
		'Memory: n8n\'s peak RSS while the measured nodes run, minus the same workflow without them (downloads: a trigger alone; uploads: the Read File node).',
	];
	return { markdown: [...header, '', ...lines].join('\n'), targets, rows, engines, cpuRows };
}

const round = (value) => (value === undefined ? undefined : Number(value.toFixed(3)));
const verdict = (value, limit) => (value === undefined ? '–' : value <= limit ? 'met' : '**NOT met**');

/** Upload rows need files-down (their memory reference), in each mode. */
function rowsToRun(rows) {
	const ordered = Object.keys(ALL_ROWS).filter((row) => rows.includes(row));
	if (ordered.some((row) => row.endsWith('-up')) && !ordered.includes('files-down')) ordered.unshift('files-down');
	return ordered;
}

async function main() {
	fs.mkdirSync(dataDir, { recursive: true });
	fs.mkdirSync(resultsDir, { recursive: true });
	const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(' ');
	await buildPackage();
	const sim = await startSimulator({ port: await freePort(0), seed: 'empty', logFile: path.join(artifacts, 'simulator.log') });
	if (LINK_MIBPS) await simulatorControl(sim.origin).limits({ linkBytesPerSecond: LINK_MIBPS * MiB });
	const rows = rowsToRun(ROWS);
	const databaseRows = rowsToRun(ROWS.filter((row) => DATABASE_ROWS.includes(row)));
	try {
		const { n8n, env } = await prepareN8n({
			userFolder,
			port: await freePort(0),
			brokerPort: await freePort(0),
			credential: SIM_CREDENTIAL,
			apiKey: sim.apiKey,
			credBaseUrl: sim.baseUrl,
			importExamples: false,
		});
		installFloorNode();
		const commonEnv = { ...env, N8N_RESTRICT_FILE_ACCESS_TO: dataDir, N8N_LOG_FORMAT: 'json', N8N_LOG_LEVEL: 'info' };
		const modeEnv = {
			filesystem: { ...commonEnv, N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', N8N_BINARY_DATA_STORAGE_PATH: storeDir },
			database: { ...commonEnv, N8N_DEFAULT_BINARY_DATA_MODE: 'database', N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '1024' },
		};

		const specs = {};
		const sources = {};
		const workflows = new Map();
		for (const size of [...new Set([...SIZES, ...DATABASE_SIZES])]) {
			const sourceFile = path.join(dataDir, `bench-${size}MiB.bin`);
			log(`bench: ${size} MiB source file and its copy in the simulator…`);
			await makeFile(sourceFile, size);
			await simulatorControl(sim.origin).uploads('keep');
			await simulatorControl(sim.origin).checksums('compute');
			const url = (await curlUpload(sim, sourceFile, `bench-${size}MiB.bin`)).url;
			const { checksum } = await apiCall(sim, 'file/info.cgi', { url });
			sources[size] = { file: sourceFile, url, checksum };
			specs[size] = rowWorkflows({
				mib: size,
				sourceFile,
				sourceUrl: url,
				outFile: path.join(dataDir, `written-${size}MiB.bin`),
				apiBase: sim.baseUrl,
				credential: SIM_CREDENTIAL,
			});
			for (const row of ['baseline', ...rows]) {
				const spec = specs[size][ALL_ROWS[row]?.workflow ?? row];
				if (spec) workflows.set(spec.workflow.id, spec.workflow);
			}
		}
		await importWorkflows(n8n, modeEnv.filesystem, [...workflows.values()]);

		const results = [];
		const engines = new Set();
		const record = (entry) => {
			results.push(entry);
			if (entry.engine && entry.row.startsWith('nodev-')) engines.add(entry.engine);
			const figures =
				entry.peakMiB === undefined
					? ''
					: `  peak RSS ${entry.peakMiB.toFixed(0)} MiB, CPU n8n ${seconds(entry.cpuMs)} s (V8's background threads ${seconds(entry.v8ThreadsCpuMs ?? 0)} s), simulator ${seconds(entry.simCpuMs)} s` +
						(entry.hashingCpuMs ? `, hashing ${seconds(entry.hashingCpuMs)} s` : '');
			log(`  run ${entry.run} ${String(entry.size).padStart(4)} MiB ${entry.mode.padEnd(10)} ${entry.row.padEnd(11)} ${seconds(entry.ms).padStart(7)} s${figures}`);
		};
		const control = simulatorControl(sim.origin);
		const measure = async (run, size, row, mode) => {
			const label = `${row}-${size}MiB-${mode}-${run}`;
			await control.checksums(sendsToSimulator(row) && SIM_CHECKSUMS === 'given' ? 'given' : 'compute', sources[size].checksum);
			await control.uploads('keep');
			if (row === 'curl-up') {
				const up = await curlUpload(sim, sources[size].file, `curl-${size}MiB.bin`);
				await apiCall(sim, 'file/rm.cgi', { files: [{ url: up.url }] });
				return { ms: up.ms };
			}
			if (row === 'curl-down') return await curlDownload(sim, sources[size].url, path.join(dataDir, 'curl.bin'));
			const spec = specs[size][ALL_ROWS[row].workflow ?? row];
			const { runData, ...figures } = await measureN8n(n8n, modeEnv[mode], sim.child.pid, label, spec, ALL_ROWS[row].nodeFlags);
			const uploaded = uploadedFile(row, runData);
			if (uploaded) {
				if (uploaded.size !== size * MiB) throw new Error(`${label}: uploaded ${uploaded.size} bytes`);
				await apiCall(sim, 'file/rm.cgi', { files: [{ url: uploaded.url }] });
			} else if (/^(node|http)/.test(row)) {
				// Each transfer starts on an idle key, as a user's single transfer does.
				await new Promise((resolve) => setTimeout(resolve, 1600));
			}
			if (row.startsWith('nodev-') && !nodeVerified(runData)) throw new Error(`${label}: the transfer was not verified`);
			const expectedEngine = { 'hash-native': /^OpenSSL in a worker thread/, 'hash-wasm': /^hash-wasm/ }[row];
			if (expectedEngine && !expectedEngine.test(figures.engine ?? '')) throw new Error(`${label}: hashed by ${figures.engine ?? 'an engine it did not log'}`);
			const bytes = downloadedBytes(row, runData);
			if (bytes !== undefined && bytes !== size * MiB) throw new Error(`${label}: stored ${bytes} bytes`);
			fs.rmSync(path.join(dataDir, `written-${size}MiB.bin`), { force: true });
			return figures;
		};
		for (let run = 1; run <= RUNS; run++) {
			for (const mode of ['filesystem', ...(DATABASE_SIZES.length && databaseRows.length ? ['database'] : [])]) {
				const baseline = await measureN8n(n8n, modeEnv[mode], sim.child.pid, `baseline-${mode}-${run}`, specs[SIZES[0] ?? DATABASE_SIZES[0]].baseline);
				record({ run, size: 0, row: 'baseline', mode, ...baseline, runData: undefined });
				for (const size of mode === 'filesystem' ? SIZES : DATABASE_SIZES) {
					for (const row of mode === 'filesystem' ? rows : databaseRows) record({ run, size, row, mode, ...(await measure(run, size, row, mode)) });
				}
			}
		}

		const context = {
			n8nVersion: n8n.version,
			nodeVersion: execFileSync(n8n.nodeBin, ['--version']).toString().trim(),
			loadBefore,
			loadAfter: os.loadavg().map((l) => l.toFixed(1)).join(' '),
			// The engine's line names the Node.js binary by its path: the name is enough here.
			engine: [...engines].map((line) => line.replace(/(?:\/[^\s/]+)+\/node\b/g, 'node')).join('; ') || undefined,
		};
		const { markdown, targets, rows: tableRows, engines: engineRows, cpuRows } = report(results, context);
		console.log(`\n${markdown}`);
		const stamp = new Date().toISOString();
		fs.writeFileSync(path.join(artifacts, 'results.json'), JSON.stringify({ sizes: SIZES, runs: RUNS, results }, null, 2));
		fs.writeFileSync(path.join(artifacts, 'table.md'), `${markdown}\n`);
		const command = LINK_MIBPS ? `BENCH_LINK_MIBPS=${LINK_MIBPS} npm run bench:transfers` : 'npm run bench';
		fs.writeFileSync(path.join(resultsDir, `${RESULTS_NAME}.md`), `Last run: ${stamp} (\`${command}\`, bench/transfers.mjs).\n${markdown}\n`);
		fs.writeFileSync(
			path.join(resultsDir, `${RESULTS_NAME}.json`),
			`${JSON.stringify(
				{
					format: 1,
					generatedAt: stamp,
					n8n: context.n8nVersion,
					node: context.nodeVersion,
					cpus: os.cpus().length,
					loadAverage: { before: context.loadBefore, after: context.loadAfter },
					runs: RUNS,
					sizesMiB: SIZES,
					databaseSizesMiB: DATABASE_SIZES,
					simulatorChecksums: SIM_CHECKSUMS,
					linkMiBPerSecond: LINK_MIBPS ?? null,
					whirlpoolEngine: context.engine ?? null,
					transfers: tableRows,
					hashAlone: engineRows,
					cpu: cpuRows,
					targets: targets.map(({ name, value, limit, met }) => ({ name, value, limit, met })),
				},
				null,
				2,
			)}\n`,
		);
		log(`bench: written to ${path.relative(repoRoot, resultsDir)}/${RESULTS_NAME}.{md,json} and ${path.relative(repoRoot, artifacts)}/`);
		for (const doc of includeResults()) log(`bench: ${doc} shows the new results`);
	} finally {
		await sim.stop();
		fs.rmSync(storeDir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error.stack ?? error);
		process.exit(1);
	},
);

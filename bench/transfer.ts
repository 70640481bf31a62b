/**
 * Transfer benchmark: a large upload and download through the 1fichier node (run by n8n-core's
 * execution engine, binaries in filesystem mode) against curl, to the same simulator in the same
 * run. Prints the time ratios and the peak memory growth of this process while the node runs.
 *
 *   npm run bench                # 1 GiB
 *   BENCH_MIB=256 npm run bench  # smaller
 *
 * The simulator runs as a separate process so its memory is not counted here.
 */
import { spawn, execFileSync } from 'child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'fs';
import http from 'http';
import { tmpdir } from 'os';
import path from 'path';
import { once } from 'events';

import { binaryPath, runNode } from '../test/helpers/n8n';
import type { Simulator } from '../simulator';

const SIZE_MIB = Number(process.env.BENCH_MIB ?? 1024);
const PORT = Number(process.env.BENCH_PORT ?? 18765);
const KEY = 'BENCH-FAKE-KEY-00000000000000000';

async function makeFile(file: string, mib: number): Promise<void> {
	const out = createWriteStream(file);
	const chunk = Buffer.alloc(1024 * 1024);
	for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
	for (let i = 0; i < mib; i++) {
		chunk[0] = i & 0xff;
		if (!out.write(chunk)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
}

async function startSimulatorProcess(dataDir: string) {
	const child = spawn(
		process.execPath,
		[path.join(__dirname, '..', 'simulator', 'cli.js'), '--port', String(PORT), '--seed', 'empty', '--data-dir', dataDir, '--key', KEY, '--quiet'],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	for await (const line of child.stdout!) if (String(line).includes(`127.0.0.1:${PORT}`)) break;
	return child;
}

function api(endpoint: string, body: object): unknown {
	const out = execFileSync('curl', [
		'-s', '-X', 'POST', `http://127.0.0.1:${PORT}/v1/${endpoint}`,
		'-H', `Authorization: Bearer ${KEY}`, '-H', 'Content-Type: application/json', '-d', JSON.stringify(body),
	]);
	return JSON.parse(out.toString());
}

/** Flushes dirty pages first, so one transfer's disk writeback does not slow the next one down. */
function settleDisk(): void {
	execFileSync('sync');
}

function timed(fn: () => void): number {
	settleDisk();
	const start = process.hrtime.bigint();
	fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

function curlUpload(file: string): { ms: number; url: string } {
	const server = api('upload/get_upload_server.cgi', {}) as { url: string; id: string };
	const ms = timed(() =>
		execFileSync('curl', ['-s', '-o', '/dev/null', '-H', `Authorization: Bearer ${KEY}`, '-F', 'did=0', '-F', `file[]=@${file};filename=curl-${path.basename(file)}`, `http://${server.url}/upload.cgi?id=${server.id}`]),
	);
	const end = JSON.parse(
		execFileSync('curl', ['-s', '-H', 'JSON: 1', `http://${server.url}/end.pl?xid=${server.id}`]).toString(),
	) as { links: Array<{ download: string }> };
	return { ms, url: end.links[0].download };
}

function curlDownload(url: string, target: string): number {
	const token = api('download/get_token.cgi', { url }) as { url: string };
	return timed(() => execFileSync('curl', ['-s', '-o', target, token.url]));
}

/**
 * The floor for any Node code in this process: the same upload with plain `http` and a file
 * stream, no n8n. The node's own overhead is what it takes beyond this.
 */
async function plainNodeUpload(file: string): Promise<number> {
	const server = api('upload/get_upload_server.cgi', {}) as { url: string; id: string };
	const boundary = '----plainnode';
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="did"\r\n\r\n0\r\n--${boundary}\r\nContent-Disposition: form-data; name="file[]"; filename="plain-${path.basename(file)}"\r\n\r\n`,
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	settleDisk();
	const start = Date.now();
	await new Promise<void>((resolve, reject) => {
		const request = http.request(
			`http://${server.url}/upload.cgi?id=${server.id}`,
			{
				method: 'POST',
				headers: {
					'Content-Type': `multipart/form-data; boundary=${boundary}`,
					'Content-Length': head.length + statSync(file).size + tail.length,
					Authorization: `Bearer ${KEY}`,
				},
			},
			(response) => response.resume().on('end', () => resolve()),
		);
		request.on('error', reject);
		request.write(head);
		const bytes = createReadStream(file, { highWaterMark: 1 << 20 });
		bytes.on('end', () => request.end(tail));
		bytes.pipe(request, { end: false });
	});
	return Date.now() - start;
}

async function plainNodeDownload(url: string, target: string): Promise<number> {
	const token = api('download/get_token.cgi', { url }) as { url: string };
	settleDisk();
	const start = Date.now();
	await new Promise<void>((resolve, reject) => {
		http.get(token.url, (response) => response.pipe(createWriteStream(target)).on('finish', () => resolve())).on('error', reject);
	});
	return Date.now() - start;
}

/** Samples RSS every 20 ms while `work` runs; returns the peak growth over the starting RSS. */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; peakGrowthMiB: number }> {
	settleDisk();
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	try {
		const result = await work();
		peak = Math.max(peak, process.memoryUsage().rss);
		return { result, peakGrowthMiB: (peak - baseline) / 1048576 };
	} finally {
		clearInterval(sampler);
	}
}

function nodeMs(result: Awaited<ReturnType<typeof runNode>>): number {
	return result.run.data.resultData.runData['1fichier'][0].executionTime;
}

async function main() {
	const work = mkdtempSync(path.join(tmpdir(), 'bench-1fichier-'));
	const file = path.join(work, `bench-${SIZE_MIB}MiB.bin`);
	const simulatorDir = path.join(work, 'simulator');
	console.log(`Creating a ${SIZE_MIB} MiB file…`);
	await makeFile(file, SIZE_MIB);
	const simulator = await startSimulatorProcess(simulatorDir);
	const sim = { keys: [KEY], baseUrl: `http://127.0.0.1:${PORT}/v1` } as Simulator;
	const noLimits = { requestSpacingMs: 500, floodWaitSeconds: 30, maxRetryWaitSeconds: 300 };
	try {
		const curlUp = curlUpload(file);
		const curlDownMs = curlDownload(curlUp.url, path.join(work, 'curl-download.bin'));
		const plainUpMs = await plainNodeUpload(file);
		const plainDownMs = await plainNodeDownload(curlUp.url, path.join(work, 'plain-download.bin'));

		const upload = await withPeakMemory(async () =>
			await runNode(sim, { resource: 'file', operation: 'upload', binaryPropertyName: 'data', folder: { __rl: true, mode: 'id', value: '0' } }, {
				items: [{ files: [{ path: file, fileName: path.basename(file), mimeType: 'application/octet-stream' }] }],
				rateLimits: noLimits,
			}),
		);
		if (upload.result.error) throw upload.result.error;
		const uploadedUrl = String(upload.result.items[0].json.url);

		const download = await withPeakMemory(async () =>
			await runNode(sim, { resource: 'file', operation: 'download', file: { __rl: true, mode: 'url', value: uploadedUrl }, binaryPropertyName: 'data' }, {
				rateLimits: noLimits,
			}),
		);
		if (download.result.error) throw download.result.error;
		const downloadedSize = statSync(binaryPath(download.result.items[0].binary!.data)).size;
		if (downloadedSize !== SIZE_MIB * 1048576) throw new Error(`downloaded ${downloadedSize} bytes`);

		const upMs = nodeMs(upload.result);
		const downMs = nodeMs(download.result);
		const rows = [
			['upload', curlUp.ms, plainUpMs, upMs, upload.peakGrowthMiB],
			['download', curlDownMs, plainDownMs, downMs, download.peakGrowthMiB],
		] as const;
		console.log(`\n${SIZE_MIB} MiB through the 1fichier node vs curl and vs plain Node http in this process, same simulator, same run`);
		console.log('transfer   curl s  plain s   node s   node/curl  node/plain   node peak RSS growth');
		for (const [name, curlMs, plainMs, ms, growth] of rows) {
			console.log(
				`${name.padEnd(9)} ${(curlMs / 1000).toFixed(2).padStart(7)} ${(plainMs / 1000).toFixed(2).padStart(8)} ${(ms / 1000).toFixed(2).padStart(8)} ${(ms / curlMs).toFixed(2).padStart(10)}x ${(ms / plainMs).toFixed(2).padStart(10)}x ${growth.toFixed(1).padStart(12)} MiB`,
			);
		}
		console.log('targets: node/curl <= 1.25x, peak growth < 150 MiB');
	} finally {
		simulator.kill('SIGTERM');
		rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);

// Big files and memory figures for the e2e cases: files written and hashed outside n8n, and the
// peak resident memory of the n8n process while a workflow runs.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

const MiB = 1024 * 1024;

/** A file of `mib` MiB of random bytes (written in 1 MiB blocks, never held whole). */
export async function writeRandomFile(file, mib) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const out = fs.createWriteStream(file);
	for (let index = 0; index < mib; index++) {
		if (!out.write(crypto.randomBytes(MiB))) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	return file;
}

/** OpenSSL's Whirlpool of a file (Node's legacy provider, in a child process), lowercase hex. */
export function whirlpoolOfFile(file) {
	const script = `
const hash = require('crypto').createHash('whirlpool');
require('fs').createReadStream(process.argv[1], { highWaterMark: 1 << 20 })
	.on('data', (chunk) => hash.update(chunk))
	.on('end', () => process.stdout.write(hash.digest('hex')));`;
	return execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script, file]).toString();
}

/** SHA-512 of a file, read in a stream, lowercase hex. */
export async function sha512OfFile(file) {
	const hash = crypto.createHash('sha512');
	for await (const chunk of fs.createReadStream(file, { highWaterMark: MiB })) hash.update(chunk);
	return hash.digest('hex');
}

/** 0 once the process is gone. */
function residentBytes(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
	} catch {
		return 0;
	}
}

/** Samples a process's RSS every 50 ms between start() and stop(); stop() gives the peak growth in MiB. */
export function rssSampler(pidOf) {
	let baseline = 0;
	let peak = 0;
	let timer;
	return {
		start() {
			baseline = residentBytes(pidOf());
			peak = baseline;
			clearInterval(timer);
			timer = setInterval(() => (peak = Math.max(peak, residentBytes(pidOf()))), 50);
			timer.unref(); // a case that fails before stop() must not keep the suite alive
		},
		stop() {
			clearInterval(timer);
			peak = Math.max(peak, residentBytes(pidOf()));
			return (peak - baseline) / MiB;
		},
	};
}

// Starting and steering the local 1fichier simulator (build/simulator) out of process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { retryOnStaleSocket } from './http.mjs';
import { repoRoot } from './n8n.mjs';
import { trackChild } from './provision.mjs';

const require = createRequire(import.meta.url);

export function simulatorCli() {
	return path.join(repoRoot, 'build', 'simulator', 'cli.js');
}

/** The simulator's fake demo key (exported by build/simulator/index.js; fine to print). */
export function demoApiKey() {
	const mod = require(path.join(repoRoot, 'build', 'simulator', 'index.js'));
	if (!mod.DEMO_API_KEY) throw new Error('build/simulator/index.js does not export DEMO_API_KEY');
	return mod.DEMO_API_KEY;
}

/** Does the CLI accept --time-scale? (read from its help text or source, not guessed at run time) */
function supportsTimeScale() {
	try {
		return /time-scale/.test(fs.readFileSync(simulatorCli(), 'utf8'));
	} catch {
		return false;
	}
}

/**
 * Starts `node build/simulator/cli.js --port <port> --seed demo` and waits until it answers.
 * Returns { child, port, baseUrl, controlUrl, apiKey, stop() }.
 */
export async function startSimulator({ port, seed = 'demo', timeScale, logFile, timeoutMs = 30_000 } = {}) {
	const cli = simulatorCli();
	if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: the simulator is not built (npm run build)`);
	const args = [cli, '--port', String(port), '--seed', seed];
	if (timeScale !== undefined && supportsTimeScale()) args.push('--time-scale', String(timeScale));
	const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
	const child = trackChild(spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', out] }));
	let printed = '';
	child.stdout.on('data', (d) => {
		printed += d;
		if (logFile) fs.appendFileSync(logFile, d);
	});
	let exited = null;
	child.on('exit', (code) => {
		exited = code;
	});
	const origin = `http://127.0.0.1:${port}`;
	const t0 = Date.now();
	for (;;) {
		if (exited !== null) throw new Error(`simulator exited with ${exited}\n${printed}`);
		try {
			const res = await fetch(`${origin}/__simulator/state`);
			if (res.ok) break;
		} catch {
			/* not yet */
		}
		if (Date.now() - t0 > timeoutMs) {
			child.kill();
			throw new Error(`simulator did not answer within ${timeoutMs / 1000} s\n${printed}`);
		}
		await new Promise((r) => setTimeout(r, 150));
	}
	return {
		child,
		port,
		origin,
		baseUrl: `${origin}/v1`,
		apiKey: demoApiKey(),
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 3000).unref();
			}),
	};
}

/** Client for the simulator's key-less control endpoints. */
export function simulatorControl(origin) {
	const call = async (method, p, body) => {
		const payload = body ? JSON.stringify(body) : undefined;
		const res = await retryOnStaleSocket(
			async () =>
				await fetch(`${origin}/__simulator${p}`, {
					method,
					headers: body ? { 'content-type': 'application/json' } : {},
					body: payload,
				}),
		);
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /__simulator${p} → ${res.status}: ${text.slice(0, 300)}`);
		return text ? JSON.parse(text) : {};
	};
	return {
		state: () => call('GET', '/state'),
		reset: () => call('POST', '/reset', {}),
		/** `date` (ISO string, optional): the upload date the file gets. */
		addFile: (folderId, filename, content, date) =>
			call('POST', '/files', {
				folderId,
				filename,
				contentBase64: Buffer.from(content).toString('base64'),
				...(date ? { date } : {}),
			}),
		addFolder: (parentId, name) => call('POST', '/folders', { parentId, name }),
		seed: (folderId, count, namePrefix) => call('POST', '/seed', { folderId, count, namePrefix }),
		faults: (spec) => call('POST', '/faults', spec),
		checksums: (mode, checksum) => call('POST', '/checksums', { mode, checksum }),
		uploads: (mode) => call('POST', '/uploads', { mode }),
		/** Changes limits (simulator/types.ts, SimulatorLimits), e.g. `{ linkBytesPerSecond }`. */
		limits: (changes) => call('POST', '/limits', changes),
	};
}

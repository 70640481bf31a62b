// @ts-check
/**
 * Whirlpool engine and the worker thread that runs it beside a transfer (see whirlpool.ts).
 *
 * Plain CommonJS rather than TypeScript: a worker thread loads this file by path, outside any
 * TypeScript loader, and the tests run the sources as they are. The build copies it into dist.
 *
 * Engine in the thread: Node's native hash when `crypto.getHashes()` lists it (OpenSSL's legacy
 * provider), otherwise hash-wasm's WebAssembly build. The published package carries its own copy
 * of that build (vendor/hash-wasm, MIT), so it needs no runtime dependency; only the TypeScript
 * sources (tests) fall back to the hash-wasm dev dependency.
 *
 * Or, when started with `workerData.helper`, the thread is the bridge to a helper process (Node's
 * own binary with the legacy provider, whirlpool.process.js) that hashes with OpenSSL: see
 * `serveThroughHelper`.
 */
'use strict';

const { spawn } = require('child_process');
const { createHash, getHashes } = require('crypto');
const { existsSync } = require('fs');
const path = require('path');
const { isMainThread, parentPort, workerData } = require('worker_threads');

const BUNDLED_HASH_WASM = path.join(__dirname, 'vendor', 'hash-wasm', 'whirlpool.umd.min.js');
const RUNNING_FROM_SOURCES = existsSync(path.join(__dirname, 'whirlpool.ts'));

/**
 * @typedef {{ update(bytes: Uint8Array): void, digest(): string }} Hasher
 * @typedef {{ name: string, create(): Promise<Hasher> }} Engine
 */

/** The engine `loadEngine` gives, without loading it: `native`, `hash-wasm (bundled)` or `hash-wasm (dev dependency)`. */
function engineName() {
	if (getHashes().includes('whirlpool')) return 'native';
	return existsSync(BUNDLED_HASH_WASM) || !RUNNING_FROM_SOURCES ? 'hash-wasm (bundled)' : 'hash-wasm (dev dependency)';
}

/** @returns {Engine} */
function loadEngine() {
	if (getHashes().includes('whirlpool')) {
		return {
			name: 'native',
			create: async () => {
				const hash = createHash('whirlpool');
				return { update: (bytes) => void hash.update(bytes), digest: () => hash.digest('hex') };
			},
		};
	}
	const bundled = existsSync(BUNDLED_HASH_WASM);
	if (!bundled && !RUNNING_FROM_SOURCES) {
		throw new Error(`Whirlpool: the bundled hash-wasm build is missing (${BUNDLED_HASH_WASM}); reinstall the package`);
	}
	const hashWasm = require(bundled ? BUNDLED_HASH_WASM : 'hash-wasm');
	return {
		name: bundled ? 'hash-wasm (bundled)' : 'hash-wasm (dev dependency)',
		create: async () => {
			const wasm = await hashWasm.createWhirlpool();
			wasm.init();
			return { update: (bytes) => void wasm.update(bytes), digest: () => wasm.digest('hex') };
		},
	};
}

/**
 * The worker's side of the protocol, one hashing session at a time, in message order:
 *   { bytes: ArrayBuffer, length }  hash bytes[0, length), then hand the buffer back: { free }
 *   { digest: true }                answer { digest: hex } and start a fresh session
 * It first answers { ready: engine name }; any failure answers { error: message }.
 */
function serve() {
	const port = /** @type {import('worker_threads').MessagePort} */ (parentPort);
	if (workerData?.helper) return serveThroughHelper(port, workerData.helper);
	/** @type {Engine} */
	let engine;
	/** @type {Promise<Hasher>} */
	let hasher;
	// A failed start is reported when the first message needs the hasher, not as an unhandled rejection.
	const freshHasher = () => {
		const created = engine.create();
		created.catch(() => {});
		return created;
	};
	try {
		engine = loadEngine();
		hasher = freshHasher();
		port.postMessage({ ready: engine.name });
	} catch (error) {
		port.postMessage({ error: String(/** @type {Error} */ (error).message ?? error) });
		return;
	}
	let queue = Promise.resolve();
	port.on('message', (message) => {
		queue = queue.then(() => handle(message)).catch((error) => port.postMessage({ error: String(error.message ?? error) }));
	});

	/** @param {{ bytes?: ArrayBuffer, length?: number, digest?: boolean }} message */
	async function handle(message) {
		const current = await hasher;
		if (message.bytes) {
			current.update(new Uint8Array(message.bytes, 0, message.length));
			port.postMessage({ free: message.bytes }, [message.bytes]);
		} else if (message.digest) {
			const digest = current.digest();
			hasher = freshHasher();
			port.postMessage({ digest });
		}
	}
}

/**
 * The bridge to a helper process. This thread starts the helper and writes the buffers n8n's
 * thread transfers to it into the helper's stdin: framed as whirlpool.process.js reads them, each
 * handed back once the pipe has taken it. A pipe holds about a millisecond of hashing; fed from
 * n8n's thread, which has the transfer and the rest of n8n to run, the helper waited for bytes
 * about half of the time. This thread's event loop does nothing else, so the pipe is refilled as
 * soon as the helper has read it.
 *
 * Messages as above, plus: it first says { spawned: pid } (null when no process could be made),
 * then { ready: 'helper process', runs } once the helper checked its Whirlpool; { stop: true }
 * from n8n's thread kills the helper and ends this thread once the helper is reaped (a process
 * that ends after the thread that started it stays a zombie until n8n exits).
 *
 * @param {import('worker_threads').MessagePort} port
 * @param {{ execPath: string, args: string[], env: Record<string, string | undefined>, file: string }} helper
 */
function serveThroughHelper(port, { execPath, args, env, file }) {
	// The n8n rule no-dangerous-functions is on for this file (eslint.config.mjs) and off for this line:
	// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- the design of issue 17: Node's own binary with one flag, fixed arguments, no shell, nothing from workflows; it hashes the bytes written to its stdin (docs/verified-transfers.md, "Which Whirlpool")
	const child = spawn(execPath, [...args, file], { stdio: 'pipe', env, windowsHide: true });
	port.postMessage({ spawned: child.pid ?? null });
	let stdout = '';
	let stderr = '';
	let failed = false;
	let exited = false;
	/** @param {string} message */
	const fail = (message) => {
		if (failed) return;
		failed = true;
		port.postMessage({ error: message });
	};
	const end = () => {
		if (exited) return;
		exited = true;
		port.close(); // nothing keeps this thread then: it ends
	};
	child.on('error', (error) => {
		fail(child.pid === undefined ? `could not be run (${error.message})` : error.message);
		if (child.pid === undefined) end();
	});
	child.on('close', (code, signal) => {
		const said = stderr.trim().split('\n')[0];
		fail(`stopped (${signal ? `signal ${signal}` : `exit code ${code}`})${said ? `: ${said}` : ''}`);
		end();
	});
	child.stdin.on('error', () => {}); // the helper went: 'close' says how
	child.stderr.setEncoding('utf8').on('data', (text) => {
		if (stderr.length < 2000) stderr += text;
	});
	child.stdout.setEncoding('latin1').on('data', (text) => {
		stdout += text;
		for (let newline = stdout.indexOf('\n'); newline >= 0; newline = stdout.indexOf('\n')) {
			const line = stdout.slice(0, newline);
			stdout = stdout.slice(newline + 1);
			if (line.startsWith('ready ')) port.postMessage({ ready: 'helper process', runs: line.slice('ready '.length) });
			else if (line.startsWith('error ')) fail(`has no working Whirlpool (${line.slice('error '.length)})`);
			else if (/^[0-9a-f]{128}$/.test(line)) port.postMessage({ digest: line });
			else fail(`answered "${line.slice(0, 100)}"`);
		}
	});
	port.on('message', (/** @type {{ bytes?: ArrayBuffer, length?: number, digest?: boolean, stop?: boolean }} */ message) => {
		if (message.stop) {
			if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) child.kill('SIGKILL');
			else end();
			return;
		}
		if (message.digest) return void child.stdin.write(Buffer.alloc(4));
		const bytes = /** @type {ArrayBuffer} */ (message.bytes);
		const header = Buffer.allocUnsafe(4);
		header.writeUInt32LE(/** @type {number} */ (message.length), 0);
		// One write system call for both; the pipe keeps the buffer until it has taken the bytes.
		child.stdin.cork();
		child.stdin.write(header);
		child.stdin.write(Buffer.from(bytes, 0, message.length), (error) => {
			if (!error) port.postMessage({ free: bytes }, [bytes]);
		});
		child.stdin.uncork();
	});
}

if (!isMainThread && parentPort) serve();

module.exports = { engineName, loadEngine };

// @ts-check
/**
 * Whirlpool engine and the worker thread that runs it beside a transfer (see whirlpool.ts).
 *
 * Plain CommonJS rather than TypeScript: a worker thread loads this file by path, outside any
 * TypeScript loader, and the tests run the sources as they are. The build copies it into dist.
 *
 * Engine: Node's native hash when `crypto.getHashes()` lists it (OpenSSL's legacy provider),
 * otherwise hash-wasm's WebAssembly build. The published package carries its own copy of that
 * build (vendor/hash-wasm, MIT), so it needs no runtime dependency; only the TypeScript sources
 * (tests) fall back to the hash-wasm dev dependency.
 */
'use strict';

const { createHash, getHashes } = require('crypto');
const { existsSync } = require('fs');
const path = require('path');
const { isMainThread, parentPort } = require('worker_threads');

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
 * Any failure answers { error: message }.
 */
function serve() {
	const port = /** @type {import('worker_threads').MessagePort} */ (parentPort);
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

if (!isMainThread && parentPort) serve();

module.exports = { engineName, loadEngine };

/**
 * Whirlpool, the only checksum 1fichier keeps (`checksum` in file/ls and file/info, `whirlpool` in
 * end.pl). Node's crypto has it only with OpenSSL's legacy provider, so the native hash is used
 * when the process lists it and hash-wasm's WebAssembly build otherwise.
 *
 * First version: hashes on the calling thread. The public functions below are the interface the
 * operations use; how the hashing runs (thread, batching) may change behind them.
 */
import { createHash, getHashes } from 'crypto';
import { createWhirlpool } from 'hash-wasm';
import type { Readable } from 'stream';

export interface WhirlpoolHasher {
	update(chunk: Buffer): void;
	/** 128 lowercase hex characters. */
	digest(): string;
}

export async function createWhirlpoolHasher(): Promise<WhirlpoolHasher> {
	if (getHashes().includes('whirlpool')) {
		const native = createHash('whirlpool');
		return { update: (chunk) => native.update(chunk), digest: () => native.digest('hex') };
	}
	const wasm = await createWhirlpool();
	wasm.init();
	return { update: (chunk) => wasm.update(chunk), digest: () => wasm.digest('hex') };
}

/** Reads a stream to its end and returns the Whirlpool of its bytes (lowercase hex). */
export async function whirlpoolOfStream(stream: Readable, signal?: AbortSignal): Promise<string> {
	const hasher = await createWhirlpoolHasher();
	for await (const chunk of stream) {
		signal?.throwIfAborted();
		hasher.update(chunk as Buffer);
	}
	return hasher.digest();
}

/** 1fichier's checksum as 128 lowercase hex characters, or undefined when it gave none (empty, missing). */
export function normaliseChecksum(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const hex = value.trim().toLowerCase();
	return /^[0-9a-f]{128}$/.test(hex) ? hex : undefined;
}

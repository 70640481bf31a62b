/** Types of whirlpool.worker.js (plain CommonJS, see its header). */
export interface EngineHasher {
	update(bytes: Uint8Array): void;
	/** 128 lowercase hex characters. */
	digest(): string;
}

export interface WhirlpoolEngine {
	/** `native`, `hash-wasm (bundled)` or `hash-wasm (dev dependency)`. */
	name: string;
	create(): Promise<EngineHasher>;
}

export function loadEngine(): WhirlpoolEngine;

/** The name of the engine `loadEngine` gives, without loading it. */
export function engineName(): string;

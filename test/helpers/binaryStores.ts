/**
 * n8n binary data stores for tests, beside the filesystem store `runNode()` uses by default.
 *
 * n8n's database, S3 and Azure stores do not write a stream as it comes: each joins the chunks it
 * was given with `binaryToBuffer` (@n8n/backend-network) once the stream has ended, keeping a
 * reference to every chunk until then. `ChunkKeepingStore` is n8n's own S3 store (its
 * `BinaryDataBlobManager` over `S3ByteStore`, as n8n's `s3` mode) with the bucket in memory: the
 * same code path, and the references it kept, for the test to look at afterwards.
 */
import { Container } from '@n8n/di';
import type { ObjectStoreService } from '@n8n/blob-storage';
import { S3ByteStore } from '@n8n/blob-storage';
import { BinaryDataBlobManager, BinaryDataConfig, BinaryDataService, ErrorReporter } from 'n8n-core';
import { Readable } from 'stream';

import { ensureBinaryDataService } from './n8n';

interface StoredObject {
	buffer: Buffer;
	metadata: { fileName?: string; mimeType?: string };
}

/** The part of n8n's ObjectStoreService that S3ByteStore uses, in memory. */
class MemoryBucket {
	readonly objects = new Map<string, StoredObject>();

	async put(key: string, buffer: Buffer, metadata: StoredObject['metadata'] = {}): Promise<void> {
		this.objects.set(key, { buffer, metadata });
	}

	async get(key: string, options: { mode: 'buffer' | 'stream' }): Promise<Buffer | Readable> {
		const object = this.objects.get(key);
		if (!object) throw Object.assign(new Error(`no object ${key}`), { name: 'NoSuchKey' });
		return options.mode === 'buffer' ? object.buffer : Readable.from([object.buffer]);
	}

	async getMetadata(key: string): Promise<Record<string, string>> {
		const object = this.objects.get(key);
		if (!object) throw Object.assign(new Error(`no object ${key}`), { name: 'NotFound' });
		return {
			'content-length': String(object.buffer.length),
			...(object.metadata.mimeType ? { 'content-type': object.metadata.mimeType } : {}),
			...(object.metadata.fileName ? { 'x-amz-meta-filename': object.metadata.fileName } : {}),
		};
	}

	async deleteOne(key: string): Promise<void> {
		this.objects.delete(key);
	}

	async deleteByKeys(keys: string[]): Promise<void> {
		for (const key of keys) this.objects.delete(key);
	}
}

/** Called with each chunk as the store receives it (before it is kept): a test may alter it here. */
export type ChunkReceiver = (chunk: Buffer, index: number) => void;

/** n8n's S3 store over an in-memory bucket, keeping the references to the chunks of each write. */
export class ChunkKeepingStore extends S3ByteStore {
	readonly bucket: MemoryBucket;
	/** The chunks each streamed write received, by key: the very Buffer objects, not copies. */
	readonly chunksOf = new Map<string, Buffer[]>();
	receive: ChunkReceiver | undefined;

	constructor() {
		const bucket = new MemoryBucket();
		super(bucket as unknown as ObjectStoreService);
		this.bucket = bucket;
	}

	override async write(key: string, body: Buffer | Readable, metadata?: StoredObject['metadata']): Promise<number> {
		if (!Buffer.isBuffer(body)) {
			const kept: Buffer[] = [];
			this.chunksOf.set(key, kept);
			// Listening before S3ByteStore does (in the same tick): this sees each chunk first.
			body.on('data', (chunk: Buffer) => {
				this.receive?.(chunk, kept.length);
				kept.push(chunk);
			});
		}
		return await super.write(key, body, metadata);
	}

	/** The stored files (not their metadata), by key. */
	files(): Map<string, Buffer> {
		const files = new Map<string, Buffer>();
		for (const [key, object] of this.bucket.objects) if (!key.endsWith('.metadata')) files.set(key, object.buffer);
		return files;
	}
}

/**
 * Switches n8n's BinaryDataService to its `s3` mode served by `store`, the way n8n picks its store
 * at start-up (N8N_DEFAULT_BINARY_DATA_MODE, then `setManager`). Returns the switch back to the
 * filesystem store the tests use otherwise.
 */
export async function useBinaryStore(mode: 's3', store: ChunkKeepingStore): Promise<() => Promise<void>> {
	await ensureBinaryDataService();
	const service = Container.get(BinaryDataService);
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	await service.init();
	service.setManager(mode, new BinaryDataBlobManager(store, Container.get(ErrorReporter)));
	return async () => {
		config.mode = 'filesystem';
		await service.init();
	};
}

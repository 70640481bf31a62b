import { createWhirlpool, type IHasher } from 'hash-wasm';
import { createWriteStream, mkdirSync, rmSync, unlinkSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

/**
 * File bytes on disk. A blob is immutable once written and may back several files (file/cp,
 * bulk seeding), so it is reference-counted and unlinked when its last file goes away.
 */
export interface Blob {
	id: number;
	path: string;
	size: number;
	/** Whirlpool, 128 lowercase hex (hash-wasm: Node's OpenSSL has no whirlpool). */
	checksum: string;
	refs: number;
}

/** Streams bytes to a new blob while counting them and hashing them; memory stays flat. */
export interface BlobWriter {
	write(chunk: Buffer): Promise<void>;
	finish(): Promise<Blob>;
	abort(): Promise<void>;
	readonly bytesWritten: number;
}

// hash-wasm only loads asynchronously; startSimulator awaits this before anything is stored.
let sharedHasher: IHasher | undefined;
export const whirlpoolReady: Promise<void> = createWhirlpool().then((hasher) => {
	sharedHasher = hasher;
});

export function checksumOf(content: Buffer): string {
	if (!sharedHasher) throw new Error('simulator: Whirlpool not loaded yet (await whirlpoolReady)');
	return sharedHasher.init().update(content).digest('hex');
}

export class BlobStore {
	private nextId = 1;
	private readonly directory: string;

	constructor(dataDir: string) {
		this.directory = join(dataDir, 'blobs');
		mkdirSync(this.directory, { recursive: true });
	}

	fromBuffer(content: Buffer): Blob {
		const path = this.newPath();
		writeFileSync(path, content);
		return { id: this.nextId - 1, path, size: content.length, checksum: checksumOf(content), refs: 0 };
	}

	writer(): BlobWriter {
		return new StreamingBlobWriter(this.newPath(), this.nextId - 1);
	}

	retain(blob: Blob): void {
		blob.refs++;
	}

	release(blob: Blob): void {
		blob.refs--;
		if (blob.refs <= 0) removeQuietly(blob.path);
	}

	/** Drops every blob file (state reset). */
	clear(): void {
		rmSync(this.directory, { recursive: true, force: true });
		mkdirSync(this.directory, { recursive: true });
	}

	private newPath(): string {
		return join(this.directory, `blob-${this.nextId++}`);
	}
}

function removeQuietly(path: string): void {
	try {
		unlinkSync(path);
	} catch {
		// already gone (reset, or a test removed it): nothing to free
	}
}

class StreamingBlobWriter implements BlobWriter {
	bytesWritten = 0;
	private readonly hash: Promise<IHasher> = createWhirlpool();
	private readonly stream: WriteStream;
	private failure: Error | undefined;

	constructor(
		private readonly path: string,
		private readonly id: number,
	) {
		this.stream = createWriteStream(path);
		this.stream.on('error', (error) => (this.failure = error));
	}

	async write(chunk: Buffer): Promise<void> {
		if (this.failure) throw this.failure;
		this.bytesWritten += chunk.length;
		(await this.hash).update(chunk);
		// Wait for the disk when its buffer is full: this is what keeps a 5 GiB upload's memory flat.
		if (!this.stream.write(chunk)) await this.drained();
	}

	async finish(): Promise<Blob> {
		await new Promise<void>((resolve, reject) => {
			this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
		});
		if (this.failure) throw this.failure;
		const checksum = (await this.hash).digest('hex');
		return { id: this.id, path: this.path, size: this.bytesWritten, checksum, refs: 0 };
	}

	async abort(): Promise<void> {
		if (!this.stream.closed) {
			await new Promise<void>((resolve) => {
				this.stream.once('close', () => resolve());
				this.stream.destroy();
			});
		}
		removeQuietly(this.path);
	}

	private drained(): Promise<void> {
		return new Promise((resolve, reject) => {
			const onDrain = () => {
				this.stream.off('error', onError);
				resolve();
			};
			const onError = (error: Error) => {
				this.stream.off('drain', onDrain);
				reject(error);
			};
			this.stream.once('drain', onDrain);
			this.stream.once('error', onError);
		});
	}
}

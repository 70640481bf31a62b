/**
 * The worker-thread engine: whirlpool.worker.js in a thread of n8n's process, running OpenSSL's
 * Whirlpool when this process has it, else the bundled hash-wasm build. Buffers are transferred
 * (moved, not copied) to the thread and back. Idle workers are kept for the next session.
 */
import path from 'path';
import { Worker } from 'worker_threads';

import { engineName } from './whirlpool.worker';
import type { HashEngine, HashSink, SinkListener } from './whirlpoolSink';

/** Idle workers kept for the next session (starting one takes tens of milliseconds). */
const IDLE_WORKERS_KEPT = 2;

// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the worker is a file of this package, beside this one
const WORKER_FILE = path.join(__dirname, 'whirlpool.worker.js');

type WorkerAnswer = { free: ArrayBuffer } | { digest: string } | { ready: string } | { error: string };

/** A worker thread; it serves one lease (session) at a time. */
class HashWorker {
	readonly thread = new Worker(WORKER_FILE);
	readonly ready: Promise<void>;
	private lease: WorkerLease | undefined;
	private failure: Error | undefined;

	constructor() {
		this.ready = new Promise((resolve, reject) => {
			this.thread.once('message', (answer: WorkerAnswer) =>
				'ready' in answer ? resolve() : reject(new Error(`Whirlpool worker: ${'error' in answer ? answer.error : 'no engine'}`)),
			);
			this.thread.once('error', reject);
			this.thread.once('exit', (code) => reject(new Error(`Whirlpool worker stopped (exit code ${code})`)));
		});
		this.ready.catch(() => {}); // also reported to the lease through fail()
		this.thread.on('message', (answer: WorkerAnswer) => this.receive(answer));
		this.thread.on('error', (error) => this.fail(error));
		this.thread.on('exit', (code) => this.fail(new Error(`Whirlpool worker stopped (exit code ${code})`)));
	}

	get usable(): boolean {
		return this.failure === undefined;
	}

	attach(lease: WorkerLease | undefined): void {
		this.lease = lease;
		if (lease) this.thread.ref();
		else this.thread.unref();
	}

	private receive(answer: WorkerAnswer): void {
		if ('free' in answer) this.lease?.returned(answer.free);
		else if ('digest' in answer) this.lease?.digestReceived(answer.digest);
		else if ('error' in answer) this.fail(new Error(`Whirlpool worker: ${answer.error}`));
	}

	private fail(error: Error): void {
		this.failure ??= error;
		this.lease?.failed(this.failure);
	}
}

const idleWorkers: HashWorker[] = [];

function acquireWorker(): HashWorker {
	for (let worker = idleWorkers.pop(); worker; worker = idleWorkers.pop()) {
		if (worker.usable) return worker;
	}
	return new HashWorker();
}

function releaseWorker(worker: HashWorker): void {
	worker.attach(undefined);
	if (worker.usable && idleWorkers.length < IDLE_WORKERS_KEPT) idleWorkers.push(worker);
	else void worker.thread.terminate();
}

/** One session's use of a worker. */
class WorkerLease implements HashSink {
	readonly ready: Promise<void>;
	private pendingDigest: { resolve(hex: string): void; reject(error: Error): void } | undefined;
	private failure: Error | undefined;
	private done = false;

	constructor(
		private readonly worker: HashWorker,
		private readonly listener: SinkListener,
	) {
		worker.attach(this);
		this.ready = worker.ready;
	}

	write(buffer: ArrayBuffer, length: number): void {
		// Transferred, not copied: the buffer leaves this thread until the worker hands it back.
		this.worker.thread.postMessage({ bytes: buffer, length }, [buffer]);
	}

	async digest(): Promise<string> {
		if (this.failure) throw this.failure;
		const digest = new Promise<string>((resolve, reject) => (this.pendingDigest = { resolve, reject }));
		this.worker.thread.postMessage({ digest: true });
		return await digest;
	}

	abort(): void {
		if (this.done) return;
		this.done = true;
		this.worker.attach(undefined);
		void this.worker.thread.terminate();
	}

	returned(buffer: ArrayBuffer): void {
		this.listener.returned(buffer);
	}

	digestReceived(hex: string): void {
		this.done = true;
		releaseWorker(this.worker);
		this.pendingDigest?.resolve(hex);
	}

	failed(error: Error): void {
		if (this.done) return;
		this.done = true;
		this.failure = error;
		this.pendingDigest?.reject(error);
		this.listener.failed(error);
	}
}

/** Hashing in worker threads of this process (`native` when it has OpenSSL's Whirlpool, else hash-wasm). */
export function workerEngine(reason: string): HashEngine {
	return { name: engineName(), reason, open: (listener) => new WorkerLease(acquireWorker(), listener) };
}

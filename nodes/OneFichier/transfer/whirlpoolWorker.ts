/**
 * The sinks of the hashing sessions: worker threads running whirlpool.worker.js, in one of two
 * modes. In-thread: OpenSSL's Whirlpool when this process has it, else the bundled hash-wasm build.
 * Helper: the thread starts a helper process (whirlpoolProcess.ts) and feeds it. Either way
 * buffers are transferred (moved, not copied) to the thread and back, and a worker serves one
 * session at a time.
 *
 * In-thread workers are kept idle for the next session. A helper worker is kept IDLE_HELPER_MS
 * after a digest, then ended; it is ended at once when its session is given up (a cancelled or
 * failed transfer). Ending one kills the helper, and the thread ends once the helper is reaped.
 * Idle workers are unref'd: they never keep n8n's process alive; when that process ends, the
 * helper's input closes and it ends too.
 */
import path from 'path';
import { Worker } from 'worker_threads';

import { engineName } from './whirlpool.worker';
import type { HelperCommand } from './whirlpoolProcess';
import { HELPER_FILE, IDLE_HELPER_MS, START_TIMEOUT_MS } from './whirlpoolProcess';
import type { HashEngine, HashSink, SinkListener } from './whirlpoolSink';

/** Idle workers kept for the next session, of each mode (starting one takes tens of milliseconds). */
const IDLE_WORKERS_KEPT = 2;

// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the worker is a file of this package, beside this one
const WORKER_FILE = path.join(__dirname, 'whirlpool.worker.js');

type WorkerAnswer =
	| { free: ArrayBuffer }
	| { digest: string }
	| { ready: string; runs?: string }
	| { spawned: number | null }
	| { error: string };

const idleThreads: HashWorker[] = [];
const idleHelpers: HashWorker[] = [];
/** Helper workers whose thread still runs (their helper alive, or being reaped). */
const helperWorkers = new Set<HashWorker>();

/** A worker thread; it serves one lease (session) at a time. */
class HashWorker {
	readonly thread: Worker;
	readonly ready: Promise<void>;
	/** Settles once the thread has ended (a helper's process reaped before). */
	readonly ended: Promise<void>;
	/** What the helper runs ("OpenSSL 3.0.15, Node.js v20.18.0"), from its ready answer. */
	runs = '';
	helperPid: number | undefined;
	private lease: WorkerLease | undefined;
	private failure: Error | undefined;
	private stopping = false;
	private readyWaiter: { resolve(): void; reject(error: Error): void } | undefined;
	private startTimer: NodeJS.Timeout | undefined;
	private idleTimer: NodeJS.Timeout | undefined;

	constructor(readonly helper?: HelperCommand) {
		this.thread = new Worker(WORKER_FILE, helper ? { workerData: { helper: { ...helper, file: HELPER_FILE } } } : undefined);
		this.ready = new Promise((resolve, reject) => (this.readyWaiter = { resolve, reject }));
		this.ready.catch(() => {}); // also reported to the lease through fail()
		this.ended = new Promise((resolve) => this.thread.once('exit', () => resolve()));
		if (helper) {
			helperWorkers.add(this);
			this.startTimer = unrefTimer(START_TIMEOUT_MS, () => this.fail(new Error(`did not start within ${START_TIMEOUT_MS / 1000} s`)));
		}
		this.thread.on('message', (answer: WorkerAnswer) => this.receive(answer));
		this.thread.on('error', (error) => this.fail(error));
		this.thread.on('exit', (code) => {
			helperWorkers.delete(this);
			this.fail(new Error(helper ? 'stopped (its worker thread ended)' : `Whirlpool worker stopped (exit code ${code})`));
		});
	}

	get usable(): boolean {
		return this.failure === undefined && !this.stopping;
	}

	get state(): 'starting' | 'working' | 'idle' | 'stopping' {
		if (!this.usable) return 'stopping';
		if (this.helper && !this.runs) return 'starting';
		return this.lease ? 'working' : 'idle';
	}

	attach(lease: WorkerLease | undefined): void {
		this.lease = lease;
		if (lease) {
			this.idleTimer = cancelTimer(this.idleTimer);
			this.thread.ref();
		} else {
			this.thread.unref();
		}
	}

	/** Back to the idle workers of its mode, or ended when enough wait already. */
	release(): void {
		this.attach(undefined);
		const idle = this.helper ? idleHelpers : idleThreads;
		if (!this.usable || idle.length >= IDLE_WORKERS_KEPT) return this.stop();
		idle.push(this);
		if (this.helper) this.idleTimer = unrefTimer(IDLE_HELPER_MS, () => this.stop());
	}

	/** Ends it now: the helper is killed and reaped, then the thread ends; an in-thread worker is terminated. */
	stop(): void {
		this.startTimer = cancelTimer(this.startTimer);
		this.idleTimer = cancelTimer(this.idleTimer);
		for (const idle of [idleThreads, idleHelpers]) {
			const index = idle.indexOf(this);
			if (index >= 0) idle.splice(index, 1);
		}
		if (this.stopping) return;
		this.stopping = true;
		// A helper's thread kills and reaps it, then ends (see whirlpool.worker.js).
		if (this.helper) this.thread.postMessage({ stop: true });
		else void this.thread.terminate();
	}

	private receive(answer: WorkerAnswer): void {
		if ('free' in answer) this.lease?.returned(answer.free);
		else if ('digest' in answer) this.lease?.digestReceived(answer.digest);
		else if ('spawned' in answer) this.helperPid = answer.spawned ?? undefined;
		else if ('ready' in answer) {
			this.startTimer = cancelTimer(this.startTimer);
			this.runs = answer.runs ?? answer.ready;
			this.readyWaiter?.resolve();
		} else if ('error' in answer) this.fail(new Error(this.helper ? answer.error : `Whirlpool worker: ${answer.error}`));
	}

	private fail(error: Error): void {
		if (this.failure) return;
		this.failure = error;
		this.stop();
		this.readyWaiter?.reject(error);
		this.lease?.failed(error);
	}
}

/** One session's use of a worker. */
class WorkerLease implements HashSink {
	readonly ready: Promise<void>;
	private pendingDigest: { resolve(hex: string): void; reject(error: Error): void } | undefined;
	private failure: Error | undefined;
	private done = false;

	constructor(
		readonly worker: HashWorker,
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
		this.worker.stop();
	}

	returned(buffer: ArrayBuffer): void {
		this.listener.returned(buffer);
	}

	digestReceived(hex: string): void {
		if (this.done) return;
		this.done = true;
		this.worker.release();
		this.pendingDigest?.resolve(hex);
	}

	failed(cause: Error): void {
		if (this.done) return;
		this.done = true;
		const error = this.worker.helper ? new Error(`Whirlpool helper process ${cause.message}`, { cause }) : cause;
		this.failure = error;
		this.pendingDigest?.reject(error);
		this.listener.failed(error);
	}
}

function takeIdle(idle: HashWorker[]): HashWorker | undefined {
	for (let worker = idle.pop(); worker; worker = idle.pop()) {
		if (worker.usable) return worker;
	}
	return undefined;
}

/** Hashing in worker threads of this process (`native` when it has OpenSSL's Whirlpool, else hash-wasm). */
export function workerEngine(reason: string): HashEngine {
	return { name: engineName(), reason, open: (listener) => new WorkerLease(takeIdle(idleThreads) ?? new HashWorker(), listener) };
}

/**
 * A helper for the next session, started now unless one waits already: it then starts while the
 * transfer asks its API calls. Unused, it ends after IDLE_HELPER_MS like any idle helper.
 */
function warmHelper(command: HelperCommand): void {
	if (idleHelpers.some((worker) => worker.usable)) return;
	new HashWorker(command).release();
}

/** Hashing in helper processes started with `command`, each fed by a worker thread. */
export function helperEngine(command: HelperCommand, reason: string): HashEngine {
	return {
		name: 'helper process',
		reason,
		open: (listener) => new WorkerLease(takeIdle(idleHelpers) ?? new HashWorker(command), listener),
		warm: () => warmHelper(command),
	};
}

/**
 * Starts a helper and waits for its ready answer (it checked its Whirlpool against the standard
 * vector); it then waits among the idle helpers for the first session. Returns what it runs.
 */
export async function startFirstHelper(command: HelperCommand): Promise<string> {
	const worker = new HashWorker(command); // ref'd until it answers: whoever waits for it stays alive
	await worker.ready;
	worker.release();
	return worker.runs;
}

/** A timer that never keeps n8n's process alive (n8n-workflow's sleep would). */
function unrefTimer(ms: number, run: () => void): NodeJS.Timeout {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- an unref'd timer: a helper's start timeout and idle end must not keep n8n's process alive
	return setTimeout(run, ms).unref();
}

function cancelTimer(timer: NodeJS.Timeout | undefined): undefined {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the timers of unrefTimer()
	if (timer) clearTimeout(timer);
	return undefined;
}

/** For tests: the helpers alive now, each with its process id and what it does. */
export function helpersForTesting(): Array<{ pid: number; state: HashWorker['state'] }> {
	return [...helperWorkers].flatMap((worker) => (worker.helperPid === undefined ? [] : [{ pid: worker.helperPid, state: worker.state }]));
}

/** For tests: ends the idle helpers now (the next session starts a fresh one); settles once they are gone. */
export async function stopIdleHelpersForTesting(): Promise<void> {
	const stopping = [...idleHelpers];
	for (const worker of stopping) worker.stop();
	await Promise.all(stopping.map(async (worker) => await worker.ended));
}

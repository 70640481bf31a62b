/**
 * The helper-process engine: Node's own binary (the one running n8n) started with
 * `--openssl-legacy-provider`, which gives it OpenSSL's Whirlpool, hashing the bytes n8n's process
 * writes to its stdin (whirlpool.process.js has the protocol). n8n's own process cannot switch
 * that provider on once running, and OpenSSL hashes about twice as fast as the WebAssembly build.
 *
 * A helper never outlives its use: it is killed when its session is given up (a cancelled or
 * failed transfer), when n8n's process exits, and when it has waited IDLE_HELPER_MS for a next
 * session after a digest; it reads its stdin to the end, so it also ends when n8n's process dies
 * without a word. Its handles are unref'd while idle: it never keeps n8n's process alive.
 */
import type { ChildProcessWithoutNullStreams } from 'child_process';
import { spawn } from 'child_process';
import type { Socket } from 'net';
import path from 'path';

import type { HashEngine, HashSink, SinkListener } from './whirlpoolSink';

/** How long a helper may take to say it is ready (Node starts in tens of ms; a loaded host is slower). */
const START_TIMEOUT_MS = 15_000;
/**
 * A helper that finished a hash waits this long for the next one, then ends: a backup's files
 * follow each other well within it, so they do not start a process each.
 */
export const IDLE_HELPER_MS = 5_000;
/** Idle helpers kept at most (parallel transfers beyond that start their own). */
const IDLE_HELPERS_KEPT = 2;

// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the helper runs a file of this package, beside this one
const HELPER_FILE = path.join(__dirname, 'whirlpool.process.js');

/** How to start a helper: the program, its arguments before the helper's file, its environment. */
export interface HelperCommand {
	execPath: string;
	args: string[];
	env: Record<string, string | undefined>;
}

/**
 * This process's own Node.js binary with OpenSSL's legacy provider, or why there is none to
 * start (n8n packaged as an Electron app or a single executable: its binary is not a plain Node).
 */
export function nodeHelperCommand(): HelperCommand | { unavailable: string } {
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the helper is the very Node.js binary running n8n, started with one flag
	const { execPath, versions, env } = process;
	if (versions.electron) return { unavailable: 'n8n runs in Electron, whose binary is not a plain Node.js' };
	if (runsAsSingleExecutable()) return { unavailable: 'n8n runs as a single executable application' };
	// NODE_OPTIONS may preload n8n's instrumentation (an APM agent…): not for a hashing helper.
	const helperEnv = { ...env };
	delete helperEnv.NODE_OPTIONS;
	return { execPath, args: ['--openssl-legacy-provider'], env: helperEnv };
}

function runsAsSingleExecutable(): boolean {
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- node:sea exists from Node 20.12; asked lazily, a built-in
		return (require('node:sea') as typeof import('node:sea')).isSea();
	} catch {
		return false;
	}
}

const liveHelpers = new Set<HelperProcess>();
const idleHelpers: HelperProcess[] = [];
let killedOnExit = false;

/** n8n's process is exiting: no helper stays behind (each would end on its own at end of input anyway). */
function killHelpersOnExit(): void {
	if (killedOnExit) return;
	killedOnExit = true;
	// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- kills the helper processes this package started when n8n's process exits
	process.once('exit', () => {
		for (const helper of liveHelpers) helper.kill();
	});
}

/** One helper process; it serves one lease (session) at a time. */
class HelperProcess {
	readonly child: ChildProcessWithoutNullStreams;
	readonly ready: Promise<void>;
	/** Settles once the process is gone. */
	readonly closed: Promise<void>;
	/** What it runs, from its ready answer ("OpenSSL 3.0.15, Node.js v20.18.0"). */
	runs = '';
	private lease: HelperLease | undefined;
	private failure: Error | undefined;
	private stopping = false;
	private stdoutText = '';
	private stderrText = '';
	private readyWaiter: { resolve(): void; reject(error: Error): void } | undefined;
	private startTimer: NodeJS.Timeout | undefined;
	private idleTimer: NodeJS.Timeout | undefined;

	constructor(command: HelperCommand) {
		killHelpersOnExit();
		this.ready = new Promise((resolve, reject) => (this.readyWaiter = { resolve, reject }));
		this.ready.catch(() => {}); // also reported to the lease through fail()
		// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- the design of issue 17: Node's own binary, fixed arguments, no shell, no input from workflows; it hashes bytes on its stdin (README, "Which Whirlpool")
		this.child = spawn(command.execPath, [...command.args, HELPER_FILE], { stdio: 'pipe', env: command.env, windowsHide: true });
		liveHelpers.add(this);
		this.closed = new Promise((resolve) => {
			this.child.once('close', () => resolve());
			this.child.once('error', () => this.child.pid === undefined && resolve());
		});
		this.startTimer = unrefTimer(START_TIMEOUT_MS, () => this.fail(new Error(`did not start within ${START_TIMEOUT_MS / 1000} s`)));
		this.child.on('error', (error) => {
			if (this.child.pid !== undefined) return this.fail(error);
			liveHelpers.delete(this); // it never started
			this.fail(new Error(`could not be run (${error.message})`));
		});
		this.child.on('close', (code, signal) => {
			liveHelpers.delete(this);
			const said = this.stderrText.trim().split('\n')[0];
			this.fail(new Error(`stopped (${signal ? `signal ${signal}` : `exit code ${code}`})${said ? `: ${said}` : ''}`));
		});
		// A write into a helper that went (EPIPE): 'close' follows, and says how it ended.
		this.child.stdin.on('error', () => this.kill());
		this.child.stdout.setEncoding('latin1');
		this.child.stdout.on('data', (text: string) => this.read(text));
		this.child.stderr.setEncoding('utf8');
		this.child.stderr.on('data', (text: string) => {
			if (this.stderrText.length < 2000) this.stderrText += text;
		});
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	get usable(): boolean {
		return this.failure === undefined && !this.stopping;
	}

	get state(): 'starting' | 'working' | 'idle' | 'stopping' {
		if (!this.usable) return 'stopping';
		if (!this.runs) return 'starting';
		return this.lease ? 'working' : 'idle';
	}

	/** Serves `lease`; without one it waits, unref'd, for IDLE_HELPER_MS. */
	attach(lease: HelperLease | undefined): void {
		this.lease = lease;
		const pipes = [this.child.stdin, this.child.stdout, this.child.stderr] as unknown as Socket[];
		const handles = [this.child, ...pipes];
		if (lease) {
			this.idleTimer = cancelTimer(this.idleTimer);
			for (const handle of handles) handle.ref();
		} else {
			for (const handle of handles) handle.unref();
		}
	}

	/** Back to the idle helpers, or ended when enough wait already. */
	release(): void {
		this.attach(undefined);
		if (!this.usable || idleHelpers.length >= IDLE_HELPERS_KEPT) return this.kill();
		idleHelpers.push(this);
		this.idleTimer = unrefTimer(IDLE_HELPER_MS, () => this.kill());
	}

	write(buffer: ArrayBuffer, length: number, listener: SinkListener): void {
		const header = Buffer.allocUnsafe(4);
		header.writeUInt32LE(length, 0);
		// One write system call for both; the pipe keeps the buffer until it has taken the bytes,
		// and only then is it handed back to be refilled.
		this.child.stdin.cork();
		this.child.stdin.write(header);
		this.child.stdin.write(Buffer.from(buffer, 0, length), (error) => {
			if (!error) listener.returned(buffer);
		});
		this.child.stdin.uncork();
	}

	askDigest(): void {
		this.child.stdin.write(Buffer.alloc(4));
	}

	kill(): void {
		this.startTimer = cancelTimer(this.startTimer);
		this.idleTimer = cancelTimer(this.idleTimer);
		const index = idleHelpers.indexOf(this);
		if (index >= 0) idleHelpers.splice(index, 1);
		this.stopping = true;
		// Its 'close' then fails whoever still waits on it (a start, a lease).
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
	}

	private read(text: string): void {
		this.stdoutText += text;
		for (let end = this.stdoutText.indexOf('\n'); end >= 0; end = this.stdoutText.indexOf('\n')) {
			const line = this.stdoutText.slice(0, end);
			this.stdoutText = this.stdoutText.slice(end + 1);
			this.answer(line);
		}
	}

	private answer(line: string): void {
		if (line.startsWith('ready ')) {
			this.startTimer = cancelTimer(this.startTimer);
			this.runs = line.slice('ready '.length);
			this.readyWaiter?.resolve();
		} else if (line.startsWith('error ')) {
			this.fail(new Error(`has no working Whirlpool (${line.slice('error '.length)})`));
		} else if (/^[0-9a-f]{128}$/.test(line)) {
			this.lease?.digestReceived(line);
		} else {
			this.fail(new Error(`answered "${line.slice(0, 100)}"`));
		}
	}

	private fail(error: Error): void {
		if (this.failure) return;
		this.failure = error;
		this.kill();
		this.readyWaiter?.reject(error);
		this.lease?.failed(error);
	}
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

/** One session's use of a helper. */
class HelperLease implements HashSink {
	readonly ready: Promise<void>;
	private pendingDigest: { resolve(hex: string): void; reject(error: Error): void } | undefined;
	private failure: Error | undefined;
	private done = false;

	constructor(
		readonly helper: HelperProcess,
		private readonly listener: SinkListener,
	) {
		helper.attach(this);
		this.ready = helper.ready;
	}

	write(buffer: ArrayBuffer, length: number): void {
		this.helper.write(buffer, length, this.listener);
	}

	async digest(): Promise<string> {
		if (this.failure) throw this.failure;
		const digest = new Promise<string>((resolve, reject) => (this.pendingDigest = { resolve, reject }));
		this.helper.askDigest();
		return await digest;
	}

	abort(): void {
		if (this.done) return;
		this.done = true;
		this.helper.attach(undefined);
		this.helper.kill();
	}

	digestReceived(hex: string): void {
		if (this.done) return;
		this.done = true;
		this.helper.release();
		this.pendingDigest?.resolve(hex);
	}

	failed(cause: Error): void {
		if (this.done) return;
		this.done = true;
		const error = new Error(`Whirlpool helper process ${cause.message}`, { cause });
		this.failure = error;
		this.pendingDigest?.reject(error);
		this.listener.failed(error);
	}
}

function takeIdleHelper(): HelperProcess | undefined {
	for (let helper = idleHelpers.pop(); helper; helper = idleHelpers.pop()) {
		if (helper.usable) return helper;
	}
	return undefined;
}

/**
 * Starts a helper and waits for its ready answer (it checked its Whirlpool against the standard
 * vector); it then waits among the idle helpers for the first session. Returns what it runs.
 */
export async function startFirstHelper(command: HelperCommand): Promise<string> {
	const helper = new HelperProcess(command); // ref'd until it answers: whoever waits for it stays alive
	await helper.ready;
	helper.release();
	return helper.runs;
}

/**
 * A helper for the next session, started now unless one waits already: it then starts while the
 * transfer asks its API calls. Unused, it ends after IDLE_HELPER_MS like any idle helper.
 */
function warmHelper(command: HelperCommand): void {
	if (idleHelpers.some((helper) => helper.usable)) return;
	const helper = new HelperProcess(command);
	helper.attach(undefined);
	helper.release();
}

/** Hashing in helper processes started with `command`. */
export function helperEngine(command: HelperCommand, reason: string): HashEngine {
	return {
		name: 'helper process',
		reason,
		open: (listener) => new HelperLease(takeIdleHelper() ?? new HelperProcess(command), listener),
		warm: () => warmHelper(command),
	};
}

/** For tests: the helpers alive now, each with its process id and whether it serves a session yet. */
export function helpersForTesting(): Array<{ pid: number; state: HelperProcess['state'] }> {
	return [...liveHelpers].flatMap((helper) => (helper.pid === undefined ? [] : [{ pid: helper.pid, state: helper.state }]));
}

/** For tests: ends the idle helpers now (the next session starts a fresh one); settles once they are gone. */
export async function stopIdleHelpersForTesting(): Promise<void> {
	const stopping = [...idleHelpers];
	for (const helper of stopping) helper.kill();
	await Promise.all(stopping.map(async (helper) => await helper.closed));
}

/**
 * The helper process of the Whirlpool: Node's own binary (the one running n8n) started with
 * `--openssl-legacy-provider`, which gives it OpenSSL's Whirlpool, running whirlpool.process.js
 * (its protocol is there). n8n's own process cannot switch that provider on once running, and
 * OpenSSL hashes about twice as fast as the WebAssembly build. A worker thread starts it and feeds
 * it (whirlpool.worker.js, `serveThroughHelper`; whirlpoolWorker.ts manages both).
 *
 * Here: how to start one, and how long one may take to start and may wait idle.
 */
import path from 'path';

/** How long a helper may take to say it is ready (Node starts in tens of ms; a loaded host is slower). */
export const START_TIMEOUT_MS = 15_000;

/**
 * A helper that finished a hash waits this long for the next one, then ends: a backup's files
 * follow each other well within it, so they do not start a process each.
 */
export const IDLE_HELPER_MS = 5_000;

// eslint-disable-next-line @n8n/community-nodes/no-restricted-globals -- the helper runs a file of this package, beside this one
export const HELPER_FILE = path.join(__dirname, 'whirlpool.process.js');

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

/**
 * A throwaway redis-server on a free loopback port, in a temporary folder, for the jest tests
 * (through test/helpers/redisServer.ts) and for queue mode's stack (stack/services.mjs, which
 * loads the compiled copy from build/). Debian's `redis-server` package provides the binary;
 * `npm run test:queue` and `.ci/run` install it when missing.
 */
import { spawn } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { createConnection, createServer } from 'net';
import { tmpdir } from 'os';
import path from 'path';

export interface RedisServer {
	port: number;
	/** Stops the server (its data goes with it). */
	stop(): Promise<void>;
}

export function findRedisServer(): string | undefined {
	const candidates = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];
	return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
}

export async function freeLoopbackPort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** Answers once the server replies +PONG to PING. */
async function answersPing(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const socket = createConnection({ port, host: '127.0.0.1' });
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
		socket.once('connect', () => socket.write('PING\r\n'));
	});
}

export async function startRedisServer(options: { port?: number; logFile?: string } = {}): Promise<RedisServer> {
	const binary = findRedisServer();
	if (!binary) throw new Error('redis-server is not installed (Debian package redis-server)');
	const port = options.port ?? (await freeLoopbackPort());
	const dir = mkdtempSync(path.join(tmpdir(), 'redis-1fichier-'));
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
	if (options.logFile) args.push('--logfile', options.logFile);
	const child = spawn(binary, args, { stdio: 'ignore' });
	let exited = false;
	child.once('exit', () => {
		exited = true;
	});
	const started = Date.now();
	while (!(await answersPing(port))) {
		if (exited || Date.now() - started > 15_000) {
			child.kill('SIGKILL');
			throw new Error(`redis-server did not start on port ${port}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	const stop = async () => {
		if (!exited) {
			const gone = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await gone;
		}
		rmSync(dir, { recursive: true, force: true });
	};
	return { port, stop };
}

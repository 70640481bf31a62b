import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** Body bytes a stall fault lets through when the fault does not say: half the body, at most 256 KiB. */
const MAX_BYTES_BEFORE_STALL = 256 * 1024;

export function bytesBeforeStall(afterBytes: number | undefined, bodyBytes: number): number {
	if (afterBytes !== undefined && Number.isFinite(afterBytes)) return Math.max(0, Math.floor(afterBytes));
	return Math.min(MAX_BYTES_BEFORE_STALL, Math.floor(bodyBytes / 2));
}

/**
 * Connections held open by the stall faults (timeout tests): nothing more is read or sent, the
 * socket stays open. They are cut by faults.clear(), a reset and close(), so a test that forgot
 * its client never keeps jest (or the CLI) waiting.
 */
export class StalledConnections {
	private readonly sockets = new Set<Socket>();

	/** Resolves once the connection is gone (the client gave up, or releaseAll()). */
	hold(req: IncomingMessage): Promise<void> {
		const socket = req.socket;
		if (socket.destroyed) return Promise.resolve();
		this.sockets.add(socket);
		return new Promise((resolve) =>
			socket.once('close', () => {
				this.sockets.delete(socket);
				resolve();
			}),
		);
	}

	/** upload.cgi under stallUpload: reads `limit` body bytes (into nothing), then stops reading for good. */
	async readThenHold(req: IncomingMessage, limit: number): Promise<void> {
		await new Promise<void>((resolve) => {
			let seen = 0;
			const stop = () => {
				req.off('data', onData);
				req.off('end', stop);
				req.off('close', stop);
				// A paused request fills Node's buffer, then the socket stops reading: the client's
				// writes stall once the kernel's buffers are full.
				req.pause();
				resolve();
			};
			const onData = (chunk: Buffer) => {
				seen += chunk.length;
				if (seen >= limit) stop();
			};
			if (limit <= 0) return stop();
			req.on('data', onData);
			req.on('end', stop);
			req.on('close', stop);
		});
		await this.hold(req);
	}

	count(): number {
		return this.sockets.size;
	}

	releaseAll(): void {
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
	}
}

/**
 * A loopback server in front of the simulator that passes every request on, except upload.cgi and
 * end.pl requests given a fault: it stalls them (mid-body, after the body, after the simulator
 * stored the file) or echoes the API key back. Two ways in:
 * - as the credential's base URL (`baseUrl`): get_upload_server's answer then names this front as
 *   the upload node, so the node's direct (Node http) path meets the faults;
 * - as n8n's proxy (`HTTP_PROXY=proxyUrl`): every call, through n8n's helper, meets them.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { createServer, request as httpRequest } from 'http';
import type { AddressInfo, Socket } from 'net';

import type { Simulator } from './simulator';

export type UploadFault =
	/** Reads the whole body, stores nothing, never answers. */
	| 'answerNever'
	/** Passes the body on (the simulator stores the file) but never passes the answer back. */
	| 'storeThenAnswerNever'
	/** Reads the first MiB of the body, then stops reading (the client's writes stall). */
	| 'stopReading'
	/** Answers HTTP 500 with a page that echoes the Authorization header and the key. */
	| 'echoKey';

export type EndPlFault =
	/** Never answers. */
	| 'answerNever'
	/** Answers HTTP 403 with a JSON message that contains the key. */
	| 'echoKey'
	/** Passes the simulator's answer on, with the key added to the file name of its link. */
	| 'echoKeyInLink';

export interface UploadNodeFront {
	/** The base URL to give the credential (the front as API host and upload node). */
	baseUrl: string;
	/** The URL to give as HTTP_PROXY. */
	proxyUrl: string;
	/** Faults for the next upload.cgi / end.pl requests, first first; `always*` applies when these are used up. */
	uploadFaults: UploadFault[];
	endPlFaults: EndPlFault[];
	alwaysUpload?: UploadFault;
	alwaysEndPl?: EndPlFault;
	/** `METHOD /path` of every request, in order. */
	seen: string[];
	/** Requests the front left unanswered whose connection the client has since closed. */
	abandonedByClient: number;
	/** Forgets faults and counts. */
	reset(): void;
	close(): Promise<void>;
}

const MiB = 1024 * 1024;

export async function startUploadNodeFront(sim: Simulator): Promise<UploadNodeFront> {
	const simulator = new URL(sim.url);
	const sockets = new Set<Socket>();
	let frontHost = '';

	const front: UploadNodeFront = {
		baseUrl: '',
		proxyUrl: '',
		uploadFaults: [],
		endPlFaults: [],
		seen: [],
		abandonedByClient: 0,
		reset() {
			front.uploadFaults = [];
			front.endPlFaults = [];
			front.alwaysUpload = undefined;
			front.alwaysEndPl = undefined;
			front.seen = [];
			front.abandonedByClient = 0;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};

	/** Never answered: counted once the client gives up on it. */
	const leaveUnanswered = (incoming: IncomingMessage) => {
		incoming.socket.once('close', () => front.abandonedByClient++);
	};

	const passOn = (incoming: IncomingMessage, answer: ServerResponse, target: URL, onAnswer?: (response: IncomingMessage) => void) => {
		const forwarded = httpRequest(
			{ host: target.hostname, port: target.port, path: target.pathname + target.search, method: incoming.method, headers: incoming.headers },
			(response) => {
				if (onAnswer) return onAnswer(response);
				answer.writeHead(response.statusCode ?? 502, response.headers);
				response.pipe(answer);
			},
		);
		forwarded.on('error', () => answer.destroy());
		incoming.pipe(forwarded);
	};

	const keyOf = (incoming: IncomingMessage) => String(incoming.headers.authorization ?? '').replace(/^Bearer\s+/i, '');

	const server = createServer((incoming, answer) => {
		// A forward proxy gets absolute URLs; a server, paths.
		const proxied = /^https?:\/\//.test(incoming.url ?? '');
		const target = proxied ? new URL(incoming.url!) : new URL(incoming.url ?? '/', simulator);
		front.seen.push(`${incoming.method} ${target.pathname}`);

		if (target.pathname === '/upload.cgi') {
			const fault = front.uploadFaults.shift() ?? front.alwaysUpload;
			if (fault === 'answerNever') {
				leaveUnanswered(incoming);
				incoming.resume();
				return;
			}
			if (fault === 'stopReading') {
				leaveUnanswered(incoming);
				let received = 0;
				incoming.on('data', (chunk: Buffer) => {
					received += chunk.length;
					if (received >= MiB) incoming.pause();
				});
				return;
			}
			if (fault === 'storeThenAnswerNever') {
				leaveUnanswered(incoming);
				return passOn(incoming, answer, target, (response) => response.resume());
			}
			if (fault === 'echoKey') {
				incoming.resume();
				incoming.on('end', () => {
					answer.writeHead(500, { 'Content-Type': 'text/html' });
					answer.end(
						`<html><body><h1>Internal error</h1><p>Request headers: Authorization: ${incoming.headers.authorization}</p><p>key=${keyOf(incoming)}</p></body></html>`,
					);
				});
				return;
			}
		}

		if (target.pathname === '/end.pl') {
			const fault = front.endPlFaults.shift() ?? front.alwaysEndPl;
			if (fault === 'answerNever') return leaveUnanswered(incoming);
			if (fault === 'echoKey') {
				answer.writeHead(403, { 'Content-Type': 'application/json' });
				answer.end(JSON.stringify({ status: 'KO', message: `Resource not allowed for key ${keyOf(incoming)} (${incoming.headers.authorization})` }));
				return;
			}
			if (fault === 'echoKeyInLink') {
				return passOn(incoming, answer, target, (response) => {
					readJson(response, (result: { links?: Array<{ filename: string }> }) => {
						for (const link of result.links ?? []) link.filename = `${link.filename} ${keyOf(incoming)}`;
						sendJson(answer, response.statusCode ?? 200, result);
					});
				});
			}
		}

		// As the upload node the front must be named by get_upload_server (only when it is the API host).
		if (!proxied && target.pathname.endsWith('/upload/get_upload_server.cgi')) {
			return passOn(incoming, answer, target, (response) => {
				readJson(response, (server: { url: string }) => sendJson(answer, response.statusCode ?? 200, { ...server, url: frontHost }));
			});
		}
		passOn(incoming, answer, target);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	frontHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
	front.baseUrl = `http://${frontHost}/v1`;
	front.proxyUrl = `http://${frontHost}`;
	return front;
}

function readJson<T>(response: IncomingMessage, use: (value: T) => void): void {
	const chunks: Buffer[] = [];
	response.on('data', (chunk: Buffer) => chunks.push(chunk));
	response.on('end', () => use(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T));
}

function sendJson(answer: ServerResponse, status: number, value: unknown): void {
	const body = JSON.stringify(value);
	answer.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
	answer.end(body);
}

import type { IncomingMessage, ServerResponse } from 'node:http';

import { encodeJson } from './json';

export const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';

/** Real API answers: `application/json; charset=utf-8`, keys in random order (§1). */
export function sendJson(res: ServerResponse, status: number, body: unknown, pretty = false): void {
	const text = encodeJson(body, pretty);
	res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

/** Control answers keep their key order: they are for tests, not a copy of the real API. */
export function sendPlainJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
	res.writeHead(status, { 'Content-Type': HTML_TYPE, 'Content-Length': Buffer.byteLength(html), ...headers });
	res.end(html);
}

export function htmlPage(title: string, body: string): string {
	return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>${body}</body></html>\n`;
}

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Small "Not found" answer of the front web server for paths that do not exist (§6). */
export function sendNotFound(res: ServerResponse): void {
	sendHtml(res, 404, htmlPage('404 Not Found', '<h1>Not Found</h1>'));
}

/** The key of `Authorization: Bearer <key>`; query-string keys authenticate nothing (§1 "Auth"). */
export function bearerKey(req: IncomingMessage): string | undefined {
	const header = req.headers.authorization;
	const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
	return match ? match[1] : undefined;
}

export class BodyTooLargeError extends Error {}

/** Reads a small request body completely (API JSON, control calls). */
export async function readSmallBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		total += chunk.length;
		if (total > limitBytes) throw new BodyTooLargeError(`body larger than ${limitBytes} bytes`);
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Header lookup by name in any casing (Node lowercases names already; values may repeat). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

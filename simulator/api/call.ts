import type { SimulatorContext } from '../context';
import { KoError } from '../errors';
import type { Refusal } from '../limits';
import { INVENTED, REAL } from '../messages';
import { fileIdFromUrl } from '../names';
import type { StoredFile } from '../state';

/** One authenticated (or, for get_upload_server, possibly anonymous) API call. */
export interface ApiCall {
	ctx: SimulatorContext;
	body: Record<string, unknown>;
	/** The Bearer key; undefined only on get_upload_server.cgi without a key. */
	key: string | undefined;
	ip: string;
	method: string;
}

export type ApiHandler = (call: ApiCall) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** A per-endpoint rate-limit refusal: 403 with a flood message (§3). */
export class RateLimitedError extends KoError {
	constructor(readonly refusal: Refusal) {
		super(refusal.message, 403);
	}
}

export function enforce(refusal: Refusal | undefined): void {
	if (refusal) throw new RateLimitedError(refusal);
}

/** Absent and JSON null are the same: the C# SDK sends nulls for unset options (§1 "Body"). */
function present(body: Record<string, unknown>, name: string): boolean {
	return body[name] !== undefined && body[name] !== null;
}

/** An integer, also accepted as a numeric string (the TS client sends remote ids as strings, §2.6). */
export function intParam(body: Record<string, unknown>, name: string): number | undefined {
	if (!present(body, name)) return undefined;
	const value = body[name];
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number)) throw new KoError(INVENTED.invalidParameter(name));
	return number;
}

export function requiredInt(body: Record<string, unknown>, name: string): number {
	const value = intParam(body, name);
	if (value === undefined) throw new KoError(INVENTED.missingParameter(name));
	return value;
}

export function stringParam(body: Record<string, unknown>, name: string): string | undefined {
	if (!present(body, name)) return undefined;
	const value = body[name];
	if (typeof value === 'number') return String(value);
	if (typeof value !== 'string') throw new KoError(INVENTED.invalidParameter(name));
	return value;
}

export function requiredString(body: Record<string, unknown>, name: string): string {
	const value = stringParam(body, name);
	if (value === undefined || value === '') throw new KoError(INVENTED.missingParameter(name));
	return value;
}

/** A 0/1 flag; booleans and '0'/'1' are tolerated. */
export function flagParam(body: Record<string, unknown>, name: string): 0 | 1 | undefined {
	if (!present(body, name)) return undefined;
	const value = body[name];
	if (value === 1 || value === '1' || value === true) return 1;
	if (value === 0 || value === '0' || value === false) return 0;
	throw new KoError(INVENTED.invalidParameter(name));
}

export function requiredArray(body: Record<string, unknown>, name: string): unknown[] {
	const value = body[name];
	if (value === undefined || value === null) throw new KoError(INVENTED.missingParameter(name));
	if (!Array.isArray(value) || value.length === 0) throw new KoError(INVENTED.invalidParameter(name));
	return value;
}

/** `urls: [F, …]` (file/mv, cp, chattr). */
export function requiredUrlList(body: Record<string, unknown>, name = 'urls'): string[] {
	const urls = requiredArray(body, name);
	if (!urls.every((url) => typeof url === 'string')) throw new KoError(INVENTED.invalidParameter(name));
	return urls as string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The file behind a download link (any accepted form of §2 `F`); bare ids are not links. */
export function findByUrl(call: ApiCall, url: unknown): StoredFile | undefined {
	const id = typeof url === 'string' ? fileIdFromUrl(url) : undefined;
	return id ? call.ctx.state.findFileById(id) : undefined;
}

/** Any file reachable by link (own or anonymous): file/info, get_token, cp. Unknown → 404 #469 (§2.4). */
export function fileByUrl(call: ApiCall, url: unknown): StoredFile {
	const file = findByUrl(call, url);
	if (!file) throw new KoError(REAL.notFound, 404);
	return file;
}

/** A file of the account (mutations): others' files are "not found" for the account. */
export function ownFileByUrl(call: ApiCall, url: unknown): StoredFile {
	const file = fileByUrl(call, url);
	if (file.anonymous) throw new KoError(REAL.notFound, 404);
	return file;
}

/** A file password guards downloads and info of files that are not the caller's (§2.3, JD). */
export function checkFilePassword(file: StoredFile, given: string | undefined): void {
	if (!file.pass) return;
	if (given === undefined || given === '') throw new KoError(REAL.passwordNotProvided);
	if (given !== file.pass) throw new KoError(REAL.invalidPassword);
}

/** A file or folder password: ≥ 6 characters, '' removes it (§2.4 chattr, §2.5 share). */
export function passwordParam(body: Record<string, unknown>): string | undefined {
	const pass = stringParam(body, 'pass');
	if (pass !== undefined && pass !== '' && pass.length < 6) throw new KoError(INVENTED.passwordTooShort);
	return pass;
}

/** A 0/1 from a stored optional text (pass: '' → 0). */
export const flagOf = (text: string | undefined): 0 | 1 => (text ? 1 : 0);

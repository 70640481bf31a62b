/**
 * The one door to the JSON API. Every call goes through `apiRequest`: it paces per API key, parses
 * the envelope, retries what may be retried and turns failures into NodeApiError with 1fichier's
 * own message. Byte transfers (upload node, download tokens) are in transfer/.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { getClock } from '../installation/clock';
import { pacerFor } from '../pacing/pacers';
import { rateLimitsOf } from '../pacing/rateLimits';
import { noteCall } from './callCounter';
import type { OneFichierContext } from './context';
import { cancelSignalOf, throwIfCancelled } from './context';
import type { OneFichierCredentials } from './credentials';
import { CREDENTIAL_TYPE, getOneFichierCredentials } from './credentials';
import type { ApiFailure, CallSubject } from './errors';
import { classifyFailure, messageFromBody, redactSecrets, toNodeApiError } from './errors';
import { backoffDelay, isRetried, RetryBudget } from './retryPolicy';
import type { Endpoint, RequestOf, ResponseOf } from './types';

export interface ApiRequestOptions {
	/**
	 * False for calls whose effect is unknown after a lost answer (a remote-upload request): they
	 * are retried only when 1fichier refused them outright (flood, 429), never after a 5xx or a
	 * dropped connection. The caller checks whether the call took effect instead.
	 */
	idempotent?: boolean;
	itemIndex?: number;
	/** The parameters this call is about, named in the advice of a refusal. */
	subject?: CallSubject;
}

/**
 * How long one API call may take, from the request to its whole answer. A call that gets no answer
 * (a server that accepted the connection and went silent) would otherwise hold the execution, and
 * a backup run, until someone cancels it. 1fichier answers in well under a second; the largest
 * answer, a listing of 5,000 files, in a few. A call that times out is a transient failure: the
 * retry policy tries it again (unless its effect is unknown) within Max Wait on Rate Limits.
 */
const DEFAULT_API_CALL_TIMEOUT_MS = 120_000;
let apiCallTimeoutMs = DEFAULT_API_CALL_TIMEOUT_MS;

/** For tests only: a shorter limit on one API call. Returns the restore. */
export function useApiCallTimeoutForTesting(ms: number): () => void {
	apiCallTimeoutMs = ms;
	return () => {
		apiCallTimeoutMs = DEFAULT_API_CALL_TIMEOUT_MS;
	};
}

/** Thrown to callers that asked for a non-idempotent call whose outcome is unknown. */
export class UnknownOutcomeError extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
	}
}

/** 1fichier seems to allow one listing every 3 s in general (docs/1fichier-api.md §3, "Listings in general"). */
const LISTINGS = new Set<Endpoint>(['folder/ls.cgi', 'file/ls.cgi']);

/** POSTs one JSON call with the credential's Bearer key, paced, retried and checked. */
export async function apiRequest<E extends Endpoint>(
	ctx: OneFichierContext,
	endpoint: E,
	body: RequestOf<E>,
	options: ApiRequestOptions = {},
): Promise<ResponseOf<E>> {
	const credentials = await getOneFichierCredentials(ctx);
	const settings = rateLimitsOf(ctx);
	const pacer = pacerFor(credentials.baseUrl, credentials.apiKey, ctx.logger);
	const signal = cancelSignalOf(ctx);
	const budget = new RetryBudget(settings);

	for (let attempt = 0; ; attempt++) {
		// Listings are one class of call: one every Listing Spacing per key, whatever the folder or caller.
		const listing = LISTINGS.has(endpoint);
		await pacer.waitTurn(settings.spacingMs, signal, listing ? settings.listingSpacingMs : undefined);
		noteCall(ctx, endpoint);
		const outcome = await sendJson(ctx, credentials, endpoint, body);
		if (listing) await pacer.listingDone();
		if (!outcome.failure) return outcome.body as ResponseOf<E>;

		const failure = outcome.failure;
		failure.message = redactSecrets(failure.message, [credentials.apiKey]);
		if (!isRetried(failure.kind, options.idempotent ?? true)) {
			if (failure.kind === 'retryable') throw new UnknownOutcomeError(failure);
			throw toNodeApiError(ctx.getNode(), failure, options.itemIndex, options.subject);
		}

		const delay = backoffDelay(failure.kind as 'flood' | 'retryable', attempt, settings);
		const waitedMs = budget.waitedMs;
		if (!budget.spend(delay)) {
			throw toNodeApiError(ctx.getNode(), exhausted(failure, waitedMs), options.itemIndex, options.subject);
		}
		// A flood locks the whole key: hold back every caller of it, not only this one.
		if (failure.kind === 'flood') await pacer.pauseFor(delay);
		ctx.logger.warn(
			`1fichier: ${endpoint} answered "${failure.message}"; waiting ${Math.round(delay / 1000)} s before retry ${attempt + 1} (waited ${Math.round(waitedMs / 1000)} s of ${Math.round(budget.allowedMs / 1000)} s allowed)`,
		);
		if (failure.kind === 'retryable') await getClock().sleep(delay, signal);
	}
}

function exhausted(failure: ApiFailure, waitedMs: number): ApiFailure {
	return { ...failure, waitedMs };
}

interface SendOutcome {
	body?: unknown;
	failure?: ApiFailure;
}

async function sendJson(
	ctx: OneFichierContext,
	credentials: OneFichierCredentials,
	endpoint: Endpoint,
	body: unknown,
): Promise<SendOutcome> {
	const request: IHttpRequestOptions = {
		method: 'POST',
		url: `${credentials.baseUrl}/${endpoint}`,
		body: body as IDataObject,
		json: true,
		headers: { 'Content-Type': 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: apiCallTimeoutMs,
	};
	let response: { statusCode: number; body: unknown };
	const startedAt = Date.now();
	try {
		response = await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, request);
	} catch (error) {
		throwIfCancelled(ctx);
		// Only the error's own text: the request object (with its Authorization header) stays out.
		const timedOut = Date.now() - startedAt >= apiCallTimeoutMs;
		const message = timedOut ? `no answer within ${apiCallTimeoutMs / 1000} s (timeout)` : networkMessage(error);
		return { failure: { endpoint, message, kind: 'retryable', origin: 'network' } };
	}
	return checkEnvelope(endpoint, response.statusCode, response.body);
}

export function networkMessage(error: unknown): string {
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	const code = (error as { code?: string }).code ?? cause?.code;
	const text = (error as { message?: string }).message ?? cause?.message ?? 'network error';
	return code ? `${text} (${code})` : text;
}

/** `status: "KO"` is an error even on HTTP 200; a non-JSON body (HTML page) is one too. */
export function checkEnvelope(endpoint: Endpoint, httpCode: number, body: unknown): SendOutcome {
	const isObject = body !== null && typeof body === 'object';
	const status = isObject ? (body as { status?: unknown }).status : undefined;
	if (httpCode >= 200 && httpCode < 300 && isObject && status !== 'KO') return { body };
	const text = messageFromBody(body, httpCode);
	const effectiveCode = httpCode >= 200 && httpCode < 300 && !isObject ? 502 : httpCode;
	const isHtmlPage = typeof body === 'string' && body.includes('<');
	const { kind, cause } = classifyFailure(effectiveCode, text, isHtmlPage);
	const message = cause === 'antiBot' ? `1fichier's anti-bot front refused the call (an HTML page: "${text}")` : text;
	return { failure: { endpoint, httpCode, message, kind, cause, origin: 'service' } };
}

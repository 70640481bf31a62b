/**
 * The one door to HTTP. Every API call goes through `apiRequest`: it paces per API key, parses the
 * envelope, retries what may be retried and turns failures into NodeApiError with 1fichier's own
 * message. Byte transfers live beside it: `byteClient.ts` (the HTTP client for bytes), `upload.ts`
 * (the three-step upload) and `download.ts` (download tokens), with `streams.ts` for their stages.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiKeyProblem, normaliseApiKey } from './apiKey';
import type { ApiFailure, CallSubject } from './errors';
import { classifyFailure, messageFromBody, redactSecrets, toNodeApiError } from './errors';
import type { RateLimitSettings } from '../pacing/pacer';
import { installationCoordination } from '../installation/coordination';
import { DEFAULT_RATE_LIMITS, getClock, keyIdOf, pacerFor } from '../pacing/pacer';
import { USER_INFO_LIFETIME_MS } from '../installation/sharedState';
import type { Endpoint, RequestOf, ResponseOf, UserInfoResponse } from './types';

export type OneFichierContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions | IHookFunctions;

export const CREDENTIAL_TYPE = 'oneFichierApi';

export interface OneFichierCredentials {
	apiKey: string;
	baseUrl: string;
}

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

/** Thrown to callers that asked for a non-idempotent call whose outcome is unknown. */
export class UnknownOutcomeError extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
	}
}

export const DEFAULT_BASE_URL = 'https://api.1fichier.com/v1';

export async function getOneFichierCredentials(ctx: OneFichierContext): Promise<OneFichierCredentials> {
	const credentials = await ctx.getCredentials<{ apiKey?: string; baseUrl?: string }>(CREDENTIAL_TYPE);
	const apiKey = normaliseApiKey(credentials.apiKey);
	const problem = apiKeyProblem(apiKey);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), `The 1fichier credential's "API Key" ${problem}`, {
			description: 'Copy the key again from the 1fichier console (Parameters > API Key).',
		});
	}
	return { apiKey, baseUrl: normaliseBaseUrl(String(credentials.baseUrl || DEFAULT_BASE_URL)) };
}


export function normaliseBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '');
}

/** The node's "Rate Limits" options (absent on nodes without them, e.g. in list search). */
export function readRateLimits(ctx: OneFichierContext): RateLimitSettings {
	let raw: IDataObject = {};
	try {
		raw =
			'getInputData' in ctx
				? ((ctx as IExecuteFunctions).getNodeParameter('rateLimits', 0, {}) as IDataObject)
				: ((ctx as IPollFunctions).getNodeParameter('rateLimits', {}) as IDataObject);
	} catch {
		raw = {};
	}
	const seconds = (value: unknown, fallbackMs: number) =>
		typeof value === 'number' && value >= 0 ? value * 1000 : fallbackMs;
	return {
		spacingMs:
			typeof raw.requestSpacingMs === 'number' && raw.requestSpacingMs >= 0
				? raw.requestSpacingMs
				: DEFAULT_RATE_LIMITS.spacingMs,
		floodWaitMs: seconds(raw.floodWaitSeconds, DEFAULT_RATE_LIMITS.floodWaitMs),
		maxRetryWaitMs: seconds(raw.maxRetryWaitSeconds, DEFAULT_RATE_LIMITS.maxRetryWaitMs),
	};
}

export function cancelSignalOf(ctx: OneFichierContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? (ctx as IExecuteFunctions).getExecutionCancelSignal() : undefined;
}

/** After a failed request: if the user cancelled the execution, stop here rather than retry. */
export function throwIfCancelled(ctx: OneFichierContext): void {
	if (cancelSignalOf(ctx)?.aborted) throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}

/** Back-off for one retry: flood waits at least `floodWaitMs` (doubling), the rest 1 s doubling, with jitter. */
export function backoffDelay(kind: 'flood' | 'retryable', attempt: number, settings: RateLimitSettings): number {
	const jitter = 0.8 + Math.random() * 0.4;
	if (kind === 'flood') return Math.round(settings.floodWaitMs * 2 ** attempt * jitter);
	return Math.round(Math.min(60_000, 1000 * 2 ** attempt) * jitter);
}

/** POSTs one JSON call with the credential's Bearer key, paced, retried and checked. */
export async function apiRequest<E extends Endpoint>(
	ctx: OneFichierContext,
	endpoint: E,
	body: RequestOf<E>,
	options: ApiRequestOptions = {},
): Promise<ResponseOf<E>> {
	const credentials = await getOneFichierCredentials(ctx);
	const settings = readRateLimits(ctx);
	const pacer = pacerFor(credentials.baseUrl, credentials.apiKey, ctx.logger);
	const signal = cancelSignalOf(ctx);
	const clock = getClock();
	let waitedMs = 0;

	for (let attempt = 0; ; attempt++) {
		await pacer.waitTurn(settings.spacingMs, signal);
		const outcome = await sendJson(ctx, credentials, endpoint, body);
		if (!outcome.failure) return outcome.body as ResponseOf<E>;

		const failure = outcome.failure;
		failure.message = redactSecrets(failure.message, [credentials.apiKey]);
		const mayRetry =
			failure.kind === 'flood' ||
			(failure.kind === 'retryable' && (options.idempotent ?? true));
		if (!mayRetry) {
			if (failure.kind === 'retryable') throw new UnknownOutcomeError(failure);
			throw toNodeApiError(ctx.getNode(), failure, options.itemIndex, options.subject);
		}

		const delay = backoffDelay(failure.kind as 'flood' | 'retryable', attempt, settings);
		if (waitedMs + delay > settings.maxRetryWaitMs) {
			throw toNodeApiError(ctx.getNode(), exhausted(failure, waitedMs), options.itemIndex, options.subject);
		}
		// A flood locks the whole key: hold back every caller of it, not only this one.
		if (failure.kind === 'flood') await pacer.pauseFor(delay);
		ctx.logger.warn(
			`1fichier: ${endpoint} answered "${failure.message}"; waiting ${Math.round(delay / 1000)} s before retry ${attempt + 1} (waited ${Math.round(waitedMs / 1000)} s of ${Math.round(settings.maxRetryWaitMs / 1000)} s allowed)`,
		);
		if (failure.kind === 'retryable') await clock.sleep(delay, signal);
		waitedMs += delay;
	}
}

function exhausted(failure: ApiFailure, waitedMs: number): ApiFailure {
	const limited = failure.kind === 'flood';
	return {
		...failure,
		message: limited
			? `the account is rate-limited (${failure.message}); gave up after waiting ${Math.round(waitedMs / 1000)} s`
			: `${failure.message} (still failing after waiting ${Math.round(waitedMs / 1000)} s)`,
	};
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
	};
	let response: { statusCode: number; body: unknown };
	try {
		response = await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, request);
	} catch (error) {
		throwIfCancelled(ctx);
		// Only the error's own text: the request object (with its Authorization header) stays out.
		const message = networkMessage(error);
		return { failure: { endpoint, message, kind: 'retryable' } };
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
	return { failure: { endpoint, httpCode, message, kind, cause } };
}

// ---- user/info, cached ---------------------------------------------------------------------

const userInfoCache = new Map<string, { at: number; info: UserInfoResponse }>();

/**
 * user/info.cgi is limited to one call a minute per IP and one per five minutes per user, so its
 * answer is kept per key for five minutes and shared by every execution in the process (in queue
 * mode, by every process of the installation, through n8n's Redis).
 */
export async function getUserInfo(ctx: OneFichierContext, itemIndex?: number): Promise<UserInfoResponse> {
	const credentials = await getOneFichierCredentials(ctx);
	const cacheKey = keyIdOf(credentials.baseUrl, credentials.apiKey);
	const fetch = async () => await apiRequest(ctx, 'user/info.cgi', {}, { itemIndex });
	const shared = await installationCoordination(ctx.logger)?.sharedUserInfo(cacheKey, fetch, cancelSignalOf(ctx));
	if (shared) return shared;
	const cached = userInfoCache.get(cacheKey);
	const now = getClock().now();
	if (cached && now - cached.at < USER_INFO_LIFETIME_MS) return cached.info;
	const info = await fetch();
	userInfoCache.set(cacheKey, { at: now, info });
	return info;
}

/** For tests only. */
export function clearUserInfoCacheForTesting(): void {
	userInfoCache.clear();
}

export { apiKeyProblem, normaliseApiKey } from './apiKey';
export { toNodeApiError } from './errors';
export type { ApiFailure, CallSubject } from './errors';
export { DEFAULT_RATE_LIMITS } from '../pacing/pacer';
export type { RateLimitSettings } from '../pacing/pacer';

/**
 * The credential's Test button. n8n's declarative test rules can only match a status code or one
 * exact body value, and 1fichier answers 403 for every kind of refusal with a variable `#n`, so the
 * test is a function (the nodes name it in `testedBy`) that reads the answer with the transport's
 * own refusal table: a free-account key is told so, a flooded key is told to wait.
 */
import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { hintFor, redactSecrets, whyItFailed } from './errors';
import { apiKeyProblem, normaliseApiKey } from './apiKey';
import { checkEnvelope, networkMessage } from './request';
import { BASE_URL_ADVICE, baseUrlProblem, DEFAULT_BASE_URL, normaliseBaseUrl } from './credentials';

const FLOODED_KEY_HINT =
	'1fichier is rate-limiting this key or IP: the key may be fine. Wait a few minutes before testing again.';

/**
 * Lists the root folder rather than reading user/info.cgi: user/info is limited to one call a
 * minute per IP and one per five minutes per user, while folder/ls still proves the key works.
 */
export async function oneFichierApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const apiKey = normaliseApiKey(credential.data?.apiKey);
	const problem = apiKeyProblem(apiKey);
	if (problem) return { status: 'Error', message: `The "API Key" ${problem}.` };
	const baseUrl = normaliseBaseUrl(String(credential.data?.baseUrl || DEFAULT_BASE_URL));
	const urlProblem = baseUrlProblem(baseUrl);
	if (urlProblem) return { status: 'Error', message: `The "Base URL" ${urlProblem}. ${BASE_URL_ADVICE}` };

	let response: { statusCode: number; body: unknown };
	try {
		// A credential test gets only the legacy `request` helper (ICredentialTestFunctions has no httpRequest).
		// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
		response = (await this.helpers.request({
			method: 'POST',
			uri: `${baseUrl}/folder/ls.cgi`,
			headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
			body: { folder_id: 0 },
			json: true,
			resolveWithFullResponse: true,
			simple: false,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		return { status: 'Error', message: redactSecrets(`1fichier could not be reached at ${baseUrl}: ${networkMessage(error)}`, [apiKey]) };
	}
	const { failure } = checkEnvelope('folder/ls.cgi', response.statusCode, response.body);
	if (!failure) return { status: 'OK', message: 'Connection tested successfully' };
	// The modal shows one text: the reason in the user's words, the advice, then 1fichier's own answer.
	const hint = failure.kind === 'flood' ? FLOODED_KEY_HINT : hintFor(failure);
	const reason = whyItFailed(failure, {});
	const answer = `1fichier answered "${failure.message}" (HTTP ${failure.httpCode}).`;
	const message = [`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`, hint, answer].filter(Boolean).join(' ');
	return { status: 'Error', message: redactSecrets(message, [apiKey]) };
}

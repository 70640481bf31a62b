import type {
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { normaliseApiKey } from '../nodes/OneFichier/api/apiKey';
import { BASE_URL_ADVICE, baseUrlProblem } from '../nodes/OneFichier/api/credentials';
import { testOnlyField } from '../nodes/OneFichier/installation/testSettings';

export class OneFichierApi implements ICredentialType {
	name = 'oneFichierApi';

	displayName = '1fichier API';

	icon: Icon = { light: 'file:../icons/1fichier.svg', dark: 'file:../icons/1fichier.dark.svg' };

	documentationUrl = 'https://1fichier.com/api.html';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The key from your 1fichier console (Parameters > API Key). A Premium or Access account is required to use the API. The Test button tells a wrong key, a free account\'s key and a rate-limited key apart.',
		},
		// For tests against a simulator only: shown when it holds another URL, or with
		// ONEFICHIER_TEST_SETTINGS=true (nodes/OneFichier/installation/testSettings.ts).
		testOnlyField({
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.1fichier.com/v1',
			description:
				'For tests: the address of a local 1fichier simulator, e.g. http://127.0.0.1:8765/v1, instead of 1fichier\'s API (https://api.1fichier.com/v1). The API key is sent only over https://, or over http:// to this machine (localhost, 127.0.0.1, ::1).',
		}),
	];

	// A function rather than a `Bearer {{$credentials.apiKey}}` template: spaces around a pasted key
	// and a pasted `Bearer ` prefix are dropped, exactly as the node and its credential test do.
	// n8n calls it for every request made with this credential and fails the request when it
	// throws: the last place to keep the key off plain HTTP, whichever code path sends it (the
	// nodes refuse such a "Base URL" before any call already).
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const destination = destinationOf(requestOptions);
		const problem = destination === undefined ? undefined : baseUrlProblem(destination);
		if (problem) throw new Error(`The 1fichier API key was not sent: the request's URL ${problem}. ${BASE_URL_ADVICE}`);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${normaliseApiKey(credentials.apiKey)}` },
		};
	}

	// No declarative `test` here: n8n's test rules can only match a status code, and 1fichier answers
	// 403 for every kind of refusal. Both nodes name a test function instead (`testedBy`), which reads
	// 1fichier's answer with the transport's refusal table (nodes/OneFichier/api/credentialTest.ts).
}

/** The absolute URL a request goes to; undefined when n8n will not be able to parse it either. */
function destinationOf(requestOptions: IHttpRequestOptions): string | undefined {
	const url = requestOptions.url ?? (requestOptions as { uri?: string }).uri;
	try {
		return new URL(String(url), requestOptions.baseURL).href;
	} catch {
		return undefined;
	}
}

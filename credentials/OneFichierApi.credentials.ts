import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseCode,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
				'The key from your 1fichier console (Parameters > API Key). A Premium or Access account is required to use the API.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.1fichier.com/v1',
			description:
				'Leave as is for 1fichier. Change it only to point at a local 1fichier simulator, e.g. http://127.0.0.1:8765/v1.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
		},
	};

	// The test lists the root folder rather than reading user/info.cgi: user/info is limited to one
	// call a minute per IP and one per five minutes per user, and hammering it gets keys locked,
	// while folder/ls has only the general limit and still proves the key works.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/folder/ls.cgi',
			method: 'POST',
			body: { folder_id: 0 },
			json: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'1fichier refused the API key (Not authenticated). Copy the key again from the 1fichier console and check that the account is Premium or Access.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'1fichier is rate-limiting this key or IP ("Flood detected" / "Locked"). The key may be fine: wait a few minutes before testing again.',
				},
			},
			// A KO answer on HTTP 200 (e.g. "No such user"): the key exists but cannot be used.
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'status',
					value: 'KO',
					message:
						'1fichier answered KO for this key (for example "No such user"): the key was revoked or the account is locked.',
				},
			},
		] as unknown as IAuthenticateRuleResponseCode[],
	};
}

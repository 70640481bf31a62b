import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { fileLocator, getFileUrl } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import { getClock } from '../../installation/clock';
import type { GetTokenRequest } from '../../api/types';
import { flag, show, TOKEN_LIFETIME_MS } from './fileParameters';
import { parameterLabel } from '../../helpers/parameterLabels';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to get a temporary download link for'), displayOptions: show('getLink') },
	{
		displayName: 'The link is valid for 5 minutes.',
		name: 'getLinkNotice',
		type: 'notice',
		default: '',
		displayOptions: show('getLink'),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: show('getLink'),
		options: [
			{
				displayName: 'Inline',
				name: 'inline',
				type: 'boolean',
				default: false,
				description: 'Whether browsers should show the file (inline) rather than save it',
			},
			{
				displayName: 'No SSL',
				name: 'noSsl',
				type: 'boolean',
				default: false,
				description: 'Whether the link should use plain HTTP instead of HTTPS',
			},
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'The file\'s download password, if it has one',
			},
			{
				displayName: 'Restrict IP (CDN Only)',
				name: 'restrictIp',
				type: 'options',
				default: 0,
				description: 'How strictly a CDN link is tied to the IP that first uses it',
				options: [
					{ name: 'No Restriction', value: 0 },
					{ name: 'Same IP Only', value: 1, description: 'The link stops working if the IP changes' },
					{
						name: 'Same IP, No Sub-Requests',
						value: 2,
						description: 'As above, and no parallel or child requests on the link',
					},
				],
			},
			{
				displayName: 'Single Request Only',
				name: 'single',
				type: 'boolean',
				default: false,
				description: 'Whether to forbid sub-requests (parallel or resumed downloads) on the link',
			},
			{
				displayName: 'Use CDN',
				name: 'cdn',
				type: 'boolean',
				default: false,
				description: 'Whether to serve the link from 1fichier\'s CDN (spends CDN credits)',
			},
		],
	},
];

interface GetLinkOptions extends IDataObject {
	inline?: boolean;
	cdn?: boolean;
	restrictIp?: 0 | 1 | 2;
	single?: boolean;
	noSsl?: boolean;
	password?: string;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as GetLinkOptions;

	const request: GetTokenRequest = { url };
	if (options.inline !== undefined) request.inline = flag(options.inline);
	if (options.cdn !== undefined) request.cdn = flag(options.cdn);
	if (options.restrictIp !== undefined) request.restrict_ip = Number(options.restrictIp) as 0 | 1 | 2;
	if (options.single !== undefined) request.single = flag(options.single);
	if (options.noSsl !== undefined) request.no_ssl = flag(options.noSsl);
	if (options.password) request.pass = options.password;

	const requestedAt = getClock().now();
	const token = await apiRequest(this, 'download/get_token.cgi', request, {
		itemIndex,
		subject: { file: parameterLabel(this, 'file'), password: parameterLabel(this, 'options.password') },
	});
	return [
		{
			json: {
				url,
				downloadUrl: token.url,
				expiresAt: new Date(requestedAt + TOKEN_LIFETIME_MS).toISOString(),
			},
		},
	];
}

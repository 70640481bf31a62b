import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fileItem } from '../../helpers/items';
import { fileLocator, getFileUrl } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import type { FileAcl, FileChattrRequest } from '../../api/types';
import { assertValidPassword, flag, show } from './fileParameters';
import { getFileInfo } from '../../api/fileInfo';
import { parameterLabel } from '../../helpers/parameterLabels';

export const description: INodeProperties[] = [
	{ ...fileLocator('file', 'File', 'The file to update'), displayOptions: show('update') },
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: show('update'),
		options: [
			{
				displayName: 'Access Control',
				name: 'acl',
				type: 'fixedCollection',
				default: {},
				placeholder: 'Add Access Rules',
				description: 'Who may download the file. Leave every rule empty to remove the restrictions.',
				options: [
					{
						displayName: 'Rules',
						name: 'rules',
						values: [
							{
								displayName: 'IP Addresses',
								name: 'ip',
								type: 'string',
								default: '',
								placeholder: '203.0.113.0/24, 198.51.100.7',
								description: 'Comma-separated IP addresses or CIDR ranges allowed to download',
							},
							{
								displayName: 'Countries',
								name: 'country',
								type: 'string',
								default: '',
								placeholder: 'FR, BE',
								description: 'Comma-separated two-letter country codes allowed to download',
							},
							{
								displayName: 'Emails',
								name: 'email',
								type: 'string',
								default: '',
								placeholder: 'alice@example.com, bob@example.com',
								description: 'Comma-separated emails of 1fichier users allowed to download',
							},
							{
								displayName: 'Premium Users Only',
								name: 'premium',
								type: 'boolean',
								default: false,
								description: 'Whether only 1fichier Premium users may download',
							},
						],
					},
				],
			},
			{
				displayName: 'Description',
				name: 'description',
				type: 'string',
				default: '',
				typeOptions: { rows: 2 },
				description: 'The file\'s description (empty clears it)',
			},
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
				description: 'Whether download links should use plain HTTP instead of HTTPS',
			},
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'Download password, at least 6 characters. Empty removes the password.',
			},
			{
				displayName: 'Use CDN',
				name: 'cdn',
				type: 'boolean',
				default: false,
				description: 'Whether downloads are served from 1fichier\'s CDN (spends CDN credits)',
			},
		],
	},
];

interface UpdateFields extends IDataObject {
	description?: string;
	password?: string;
	inline?: boolean;
	noSsl?: boolean;
	cdn?: boolean;
	acl?: { rules?: { ip?: string; country?: string; email?: string; premium?: boolean } };
}

const list = (value: string | undefined) =>
	(value ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter((entry) => entry !== '');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const url = getFileUrl(this, 'file', itemIndex);
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as UpdateFields;

	const request: FileChattrRequest = { urls: [url] };
	if (fields.description !== undefined) request.description = fields.description;
	if (fields.password !== undefined) {
		assertValidPassword(this, 'updateFields.password', fields.password, itemIndex, true);
		request.pass = fields.password;
	}
	if (fields.inline !== undefined) request.inline = flag(fields.inline);
	if (fields.noSsl !== undefined) request.no_ssl = flag(fields.noSsl);
	if (fields.cdn !== undefined) request.cdn = flag(fields.cdn);
	if (fields.acl !== undefined) {
		const rules = fields.acl.rules ?? {};
		const acl: FileAcl = {
			ip: list(rules.ip),
			country: list(rules.country).map((code) => code.toUpperCase()),
			email: list(rules.email),
			premium: flag(rules.premium),
		};
		const badCountry = acl.country!.find((code) => !/^[A-Z]{2}$/.test(code));
		if (badCountry) {
			throw new NodeOperationError(
				this.getNode(),
				`${parameterLabel(this, 'updateFields.acl.rules.country')} holds "${badCountry}", which is not a two-letter country code`,
				{ itemIndex, description: 'Give ISO 3166 codes separated by commas, e.g. FR, BE, CH.' },
			);
		}
		request.acl = acl;
	}
	if (Object.keys(request).length === 1) {
		throw new NodeOperationError(this.getNode(), `${parameterLabel(this, 'updateFields')} is empty: nothing to update`, {
			itemIndex,
			description: 'Add at least one field to change under Update Fields (Add Field).',
		});
	}

	const subject = { file: parameterLabel(this, 'file') };
	await apiRequest(this, 'file/chattr.cgi', request, { itemIndex, subject });
	const info = await getFileInfo(this, url, itemIndex, fields.password || undefined, subject);
	return [{ json: fileItem(info) }];
}

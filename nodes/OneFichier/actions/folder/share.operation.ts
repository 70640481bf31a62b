import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { folderLocator } from '../../helpers/locators';
import { apiRequest } from '../../api/request';
import type { FolderShareRequest } from '../../api/types';
import { ROOT_FOLDER_ID, resolveFolder } from './folderTree';
import { parameterLabel } from '../../helpers/parameterLabels';

const show = { resource: ['folder'], operation: ['share'] };

/** folder/share.cgi refuses shorter passwords (docs/1fichier-api.md §2.5). */
const MIN_PASSWORD_LENGTH = 6;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const description: INodeProperties[] = [
	{
		...folderLocator('folder', 'Folder', 'The folder to share'),
		displayOptions: { show },
	},
	{
		displayName: 'Public',
		name: 'public',
		type: 'boolean',
		default: true,
		description: 'Whether the folder gets a public link anyone can open. Off removes the public link.',
		displayOptions: { show },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Password',
				name: 'password',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description: 'Password protecting the public link (at least 6 characters)',
			},
			{
				displayName: 'Share Root Folder (Whole Account)',
				name: 'shareRootFolder',
				type: 'boolean',
				default: false,
				description:
					'Whether Folder may be the root folder. Sharing the root shares every file and folder of the account, so it is refused unless this is on.',
			},
			{
				displayName: 'Shares',
				name: 'shares',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Share',
				default: {},
				description:
					'1fichier users to share the folder with. When set, replaces the folder\'s current user shares; an empty list removes them.',
				options: [
					{
						displayName: 'Share',
						name: 'share',
						values: [
							{
								displayName: 'Email',
								name: 'email',
								type: 'string',
								placeholder: 'name@email.com',
								default: '',
								description: 'Email of the 1fichier account to share with',
							},
							{
								displayName: 'Read-Write',
								name: 'rw',
								type: 'boolean',
								default: false,
								description: 'Whether that user may also add and delete files',
							},
							{
								displayName: 'Hide Links',
								name: 'hideLinks',
								type: 'boolean',
								default: false,
								description:
									'Whether to hide the files\' download links from that user (implies read-only)',
							},
						],
					},
				],
			},
		],
	},
];

interface ShareOptions {
	password?: string;
	shareRootFolder?: boolean;
	shares?: { share?: Array<{ email?: string; rw?: boolean; hideLinks?: boolean }> };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const isPublic = this.getNodeParameter('public', itemIndex, true) as boolean;
	const options = this.getNodeParameter('options', itemIndex, {}) as ShareOptions;
	const folder = await resolveFolder(this, 'folder', itemIndex);

	const request: FolderShareRequest = { folder_id: folder.id, share: isPublic ? 1 : 0 };
	if (options.password) {
		if (options.password.length < MIN_PASSWORD_LENGTH) {
			throw new NodeOperationError(
				this.getNode(),
				`${parameterLabel(this, 'options.password')} must have at least ${MIN_PASSWORD_LENGTH} characters`,
				{ itemIndex, description: '1fichier refuses shorter share passwords.' },
			);
		}
		request.pass = options.password;
	}
	if (options.shares !== undefined) {
		request.shares = (options.shares.share ?? []).map((share, index) => {
			const email = String(share.email ?? '').trim();
			if (!EMAIL_PATTERN.test(email)) {
				throw new NodeOperationError(
					this.getNode(),
					`Share ${index + 1} of ${parameterLabel(this, 'options.shares')} has no valid e-mail address: "${email}"`,
					{ itemIndex, description: `Give the e-mail address of a 1fichier account in its ${parameterLabel(this, 'options.shares.share.email')}.` },
				);
			}
			// Hidden links imply read-only on 1fichier's side.
			const hideLinks = share.hideLinks === true;
			return { email, rw: share.rw === true && !hideLinks ? 1 : 0, hide_links: hideLinks ? 1 : 0 };
		});
	}

	if (folder.id === ROOT_FOLDER_ID && sharesSomething(request) && options.shareRootFolder !== true) {
		throw new NodeOperationError(this.getNode(), `${parameterLabel(this, 'folder')} is the root folder: sharing it would share the whole account`, {
			itemIndex,
			description: `Choose the folder to share in ${parameterLabel(this, 'folder')} (the default is the root). To share every file and folder of the account, add ${parameterLabel(this, 'options.shareRootFolder')} and turn it on.`,
		});
	}

	const answer = await apiRequest(this, 'folder/share.cgi', request, { itemIndex, subject: { folder: parameterLabel(this, 'folder') } });
	const json: IDataObject = { id: folder.id, public: isPublic, url: answer.url ?? null };
	if (request.pass) json.passwordProtected = true;
	if (request.shares) {
		json.shares = request.shares.map((share) => ({
			email: share.email,
			rw: share.rw === 1,
			hideLinks: share.hide_links === 1,
		}));
	}
	return [{ json }];
}

/** A public link or at least one user share; removing the public link alone shares nothing. */
function sharesSomething(request: FolderShareRequest): boolean {
	return request.share === 1 || (request.shares?.length ?? 0) > 0;
}

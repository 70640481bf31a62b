import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getUserInfo } from '../../api/userInfo';
import { toNumber } from '../../api/types';

export const description: INodeProperties[] = [
	{
		displayName:
			'1fichier allows one account read per five minutes: the answer is cached per API key for five minutes.',
		name: 'accountNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { resource: ['account'], operation: ['get'] } },
	},
];

const OFFERS: Record<number, string> = { 0: 'free', 1: 'premium', 2: 'access', 3: 'premiumGold' };

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const info = await getUserInfo(this, itemIndex);
	const offer = toNumber(info.offer);
	const used = toNumber(info.cold_storage) ?? 0;
	const available = toNumber(info.available_cold_storage);
	return [
		{
			json: {
				email: info.email ?? null,
				offer: offer ?? null,
				offerName: offer !== undefined ? (OFFERS[offer] ?? 'unknown') : null,
				subscriptionEnd: info.subscription_end || null,
				storageUsed: used,
				storageAvailable: available ?? null,
				storageFree: available !== undefined ? Math.max(0, available - used) : null,
				hotStorageUsed: toNumber(info.hot_storage) ?? null,
				hotStorageAvailable: toNumber(info.available_storage) ?? null,
				cdnCredits: toNumber(info.cdn) ?? null,
				uploadForbidden: toNumber(info.upload_forbidden) === 1,
			},
		},
	];
}

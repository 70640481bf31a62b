import { getClock } from '../installation/clock';
import { installationCoordination } from '../installation/coordination';
import { USER_INFO_LIFETIME_MS } from '../installation/sharedState';
import { keyIdOf } from '../pacing/keyId';
import type { OneFichierContext } from './context';
import { cancelSignalOf } from './context';
import { getOneFichierCredentials } from './credentials';
import { apiRequest } from './request';
import type { UserInfoResponse } from './types';

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

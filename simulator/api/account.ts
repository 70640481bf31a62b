import { formatParisDate } from '../dates';
import type { ApiCall } from './call';
import { enforce, intParam } from './call';

/** Settings user/info can change (§2.1); all ints on input. */
const SETTABLE = [
	'ftp_mode',
	'ftp_did',
	'ftp_report',
	'ru_report',
	'default_domain',
	'page_limit',
	'default_port',
	'default_port_files',
	'use_cdn',
	'download_menu',
] as const;

/** rclone's struct types these as JSON strings (looks generated from a real answer, §2.1). */
const REPORTED_AS_STRING = new Set(['ftp_mode', 'ftp_report', 'ru_report', 'default_port', 'default_port_files', 'use_cdn', 'download_menu']);

export const DEFAULT_ACCOUNT_SETTINGS: Record<string, number> = {
	ftp_mode: 0,
	ftp_did: 0,
	ftp_report: 0,
	ru_report: 0,
	default_domain: 0,
	page_limit: 1000,
	default_port: 0,
	default_port_files: 0,
	use_cdn: 0,
	download_menu: 0,
};

const TIB = 1024 ** 4;
const YEAR_MS = 365 * 24 * 3600 * 1000;
/** Premium cold storage allowance used for the `available_*` fields (a round, plausible figure). */
const COLD_STORAGE_QUOTA = 100 * TIB;

function applySettings(call: ApiCall): void {
	for (const name of SETTABLE) {
		const value = intParam(call.body, name);
		if (value !== undefined) call.ctx.account.settings[name] = value;
	}
}

/** `POST /v1/user/info.cgi`: read (and optionally set) account settings; 1 per 5 min (§2.1). */
export function userInfo(call: ApiCall): Record<string, unknown> {
	const { ctx } = call;
	enforce(ctx.limiter.checkUserInfo(call.key as string, call.ip));
	applySettings(call);
	const files = ctx.state.allFiles();
	const used = files.reduce((sum, file) => sum + file.size, 0);
	const hot = files.filter((file) => file.cdn === 1).reduce((sum, file) => sum + file.size, 0);
	const settings = Object.fromEntries(
		Object.entries(ctx.account.settings).map(([name, value]) => [name, REPORTED_AS_STRING.has(name) ? String(value) : value]),
	);
	const premium = ctx.account.offer > 0;
	return {
		status: 'OK',
		email: ctx.account.email,
		offer: String(ctx.account.offer),
		'2fa': '0',
		mail_rm: '0',
		...settings,
		cdn: '0',
		subscription_end: premium ? formatParisDate(ctx.account.createdAt + YEAR_MS) : null,
		default_quota: 0,
		default_cold_storage_quota: COLD_STORAGE_QUOTA,
		// cold_storage = every stored byte (rclone: used); hot_storage = bytes of CDN-enabled files.
		hot_storage: hot,
		cold_storage: used,
		stats_date: formatParisDate(ctx.clock.now()),
		allowed_cold_storage: COLD_STORAGE_QUOTA,
		available_cold_storage: COLD_STORAGE_QUOTA,
		available_storage: Math.max(0, COLD_STORAGE_QUOTA - used),
		extended_quota: 0,
		extended_quota_end: null,
		overquota: 0,
		upload_forbidden: '0',
	};
}

/** `GET|POST /v1/upload/get_upload_server.cgi` → `{url: <node host>, id}` without `status` (§2.2). */
export function getUploadServer(call: ApiCall): Record<string, unknown> {
	const session = call.ctx.uploads.open(call.ctx.now());
	return { url: new URL(call.ctx.publicUrl()).host, id: session.id };
}
